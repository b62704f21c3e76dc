"""Single-line text: names, places, numbers, reasons. A line break or another control character in one
breaks what is built from it later (an e-mail subject with a line break is refused by the mail library,
and every message about that person with it), and a value made only of invisible characters looks
filled in but says nothing. Both are refused where the text is typed, with a message beside the field."""

import re

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .dates import in_register_years

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad]*")
MESSAGES = {
    "control": _("Line breaks and control characters are not allowed here: type it on one line."),
    "invisible": _("This contains only invisible characters: type the text again."),
    "box_control": _("This contains control characters (only line breaks and tabs may be in the text): paste it "
                     "as plain text or type it again."),
}


def single_line_problem(value):
    """"control", "invisible" or None for a value typed into a one-line field."""
    if not value:
        return None
    if CONTROL.search(value):
        return "control"
    if INVISIBLE.fullmatch(value):
        return "invisible"
    return None


def one_line(text):
    """A text made safe for a one-line header (an e-mail subject): control characters (line breaks
    among them) become a space, and runs of spaces one space; other characters are kept as they are."""
    return re.sub(r" {2,}", " ", CONTROL.sub(" ", str(text))).strip()


class SingleLineFields(models.Model):
    """A model whose one-line text fields (CharField) refuse control and invisible-only characters."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if not isinstance(field, models.CharField) or field.choices or field.name in (exclude or ()):
                continue
            problem = single_line_problem(getattr(self, field.attname))
            if problem and field.name not in errors:
                errors[field.name] = [MESSAGES[problem]]
        if errors:
            raise ValidationError(errors)


# A text box holds at most this many characters (a day's notes, an hour's interview typed out): a pasted
# book ties a request up and every page that shows it.
TEXT_MAX_CHARS = 20000
# In a text box line breaks and tabs are text; other control characters (NUL among them) are not.
BOX_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SingleLineInputs:
    """A form whose one-line text inputs (CharField without a Textarea) refuse the same; whose text boxes
    hold at most TEXT_MAX_CHARS characters and no control character but line breaks and tabs; and, as every
    form with a typed input has this, whose dates and times refuse the years outside the register's
    (lib.dates.in_register_years) as the field is read: a model form's own clean() never meets a year
    0001 or 9999 (on SQLite such a time overflows when it is turned to UTC for a query)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea) and not field.max_length:
                field.max_length = TEXT_MAX_CHARS
                field.validators.append(validators.MaxLengthValidator(TEXT_MAX_CHARS))
                field.widget.attrs["maxlength"] = str(TEXT_MAX_CHARS)
            if isinstance(field, (forms.DateField, forms.DateTimeField)) and in_register_years not in field.validators:
                field.validators.append(in_register_years)

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            value = data.get(name)
            if isinstance(field.widget, forms.Textarea):
                problem = "box_control" if isinstance(value, str) and BOX_CONTROL.search(value) else None
            else:
                problem = single_line_problem(value) if isinstance(value, str) else None
            if problem and name not in self.errors:
                self.add_error(name, MESSAGES[problem])
        return data


def storable(value):
    """`value` (a string, or lists and dicts of them, as an audit record's detail) with each NUL character
    replaced by U+FFFD: PostgreSQL stores no NUL in text or JSON, and what was asked is still seen."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [storable(v) for v in value]
    return value


def listed(items):
    """The items (texts, or anything str() says) joined as the reader's language joins a list: "、" in
    Chinese, ", " in English."""
    return pgettext("list separator", ", ").join(str(item) for item in items)

"""Every date or time a person types is refused before 1900 and after 2100 (lib.dates.in_register_years), on every form
of every app: checked on the forms themselves, so a new form or field cannot forget it."""

import importlib
import inspect
import pkgutil

import django_filters
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.db.models import QuerySet

import family.forms
import oversight.forms
import tracing.forms
from accounts import forms as accounts_forms
from face import forms as face_forms
from lib.dates import in_register_years
from lib.filters import ListFilter
from lib.text import SingleLineInputs
from shelter import forms as shelter_forms

# Every module of forms: shelter's and face's, and each screen's of the apps with a forms package (found,
# not listed by hand).
MODULES = [shelter_forms, accounts_forms, face_forms] + [
    importlib.import_module(f"{package.__name__}.{m.name}")
    for package in (tracing.forms, family.forms, oversight.forms) for m in pkgutil.iter_modules(package.__path__)
]


def model_forms():
    for module in MODULES:
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.ModelForm) and form.__module__ == module.__name__ and form._meta.model:
                yield form


def test_every_typed_date_refuses_the_years_before_1900():
    missing = []
    for form in model_forms():
        for name in form.base_fields:
            try:
                field = form._meta.model._meta.get_field(name)
            except Exception:
                continue  # a form-only field
            if isinstance(field, (models.DateField, models.DateTimeField)) and in_register_years not in field.validators:
                missing.append(f"{form.__name__}.{name}")
    assert missing == []
    assert len(list(model_forms())) >= 10  # the forms were found


def all_forms():
    for module in MODULES:
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                yield form


def test_every_form_with_one_line_text_refuses_control_characters():
    """lib.text.SingleLineInputs on every form with a one-line text input (the log-in's fields are
    checked by the authentication itself)."""
    missing = [form.__name__ for form in all_forms()
               if not issubclass(form, (SingleLineInputs, AuthenticationForm))
               and any(isinstance(f, forms.CharField) and not isinstance(f, forms.UUIDField)
                       and not isinstance(f.widget, (forms.Textarea, forms.HiddenInput))
                       for f in form.base_fields.values())]
    assert missing == []


def test_every_list_filter_has_the_one_shape():
    """The lists' filters are django-filter FilterSets in each app's `filters.py`, of `lib.filters.ListFilter`:
    their form refuses control characters and the days typed before 1900, as every form does."""
    found = []
    for app in ("shelter", "face", "tracing", "family", "oversight"):
        try:
            module = importlib.import_module(f"{app}.filters")
        except ModuleNotFoundError:
            continue
        for _name, filterset in inspect.getmembers(module, inspect.isclass):
            if issubclass(filterset, django_filters.FilterSet) and filterset.__module__ == module.__name__:
                assert issubclass(filterset, ListFilter), filterset
                form = filterset(queryset=QuerySet()).form
                assert isinstance(form, SingleLineInputs)
                for name, field in form.fields.items():
                    if isinstance(field, forms.DateField):
                        assert in_register_years in field.validators, f"{filterset.__name__}.{name}"
                found.append(filterset.__name__)
    assert sorted(found) == ["AuditFilter", "PersonFilter", "ProblemFilter", "ReportFilter"]

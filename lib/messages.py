"""Messages kept as a code and parameters, worded when they are read, in the reader's language.

Whatever the system writes for people to read later (a notification, the reason it gives for a step
it takes itself) is stored as a code and its parameters, never as a sentence: the sentence depends
on who reads it, and when. Each app registers its codes: shelter's in `shelter/messages.py`, the apps
above in their own `messages.py`, imported by their `AppConfig.ready()`:

    messages.register("death", subject=_("Death reported: %(name)s (%(file)s)"), body=_("…"), prepare=fn)

`subject` and `body` are lazy translations with named placeholders; `prepare(params)` (optional)
turns stored facts into words (a choice's label, a duration) and runs in the reader's language.
"""

from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

REGISTRY = {}


@dataclass(frozen=True)
class Template:
    subject: object
    body: object = ""
    prepare: object = None


class Values(dict):
    """Parameters for a template: one missing (a row written before a parameter existed) reads "-"."""

    def __missing__(self, key):
        return "-"


def register(code, subject, body="", prepare=None):
    REGISTRY[code] = Template(subject, body, prepare)


def known(code):
    return code in REGISTRY


def render(code, params, language=None):
    """(subject, body) of a registered code, in `language` (default: the active one)."""
    template = REGISTRY[code]
    with translation.override(language) if language else nullcontext():
        values = Values(params or {})
        if template.prepare:
            values = Values(template.prepare(values))
        subject = str(template.subject) % values
        body = str(template.body) % values if template.body else ""
    return subject, body


class Said(str):
    """A reason the system gives for a step it takes (`reason=Said("found_by_search")`): it reads as
    the sentence in the site's language wherever a string is expected, and carries its code and
    parameters so that the transition log stores those (shelter.receivers.log_transition)."""

    def __new__(cls, code, **params):
        said = super().__new__(cls, render(code, params, settings.LANGUAGE_CODE)[0])
        said.code, said.params = code, params
        return said

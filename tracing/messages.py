"""Tracing's message codes (lib.messages): its deadline reminders, and the reasons it gives for the steps
it takes itself (a case closed or its family found by another record).
Worded when read, in the reader's language; registered by TracingConfig.ready()."""

from django.utils.dateparse import parse_datetime
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext_lazy as _

from lib import messages
from shelter.messages import named
from shelter.models import DepartureKind

from .models import CloseCause, Deadline


def deadline_values(params):
    """The deadline's name and how long before (or after) its due time the reminder was sent."""
    values = named(params)
    kind, due, sent = params.get("deadline"), parse_datetime(params.get("due_at", "")), parse_datetime(
        params.get("sent_at", ""))
    values["what"] = Deadline(kind).label if kind in Deadline.values else "-"
    if due and sent:
        values["left"], values["late"] = timeuntil(due, sent), timesince(due, sent)
    return values


def close_cause(params):
    cause = params.get("cause")
    return {"cause": CloseCause(cause).label if cause in CloseCause.values else cause or "-"}


# Notifications
for _kind in Deadline.values:
    messages.register(
        f"tracing_{_kind}_at_risk",
        subject=_("Due in %(left)s: %(what)s for %(name)s (%(file)s)"),
        body=_("The %(what)s for %(name)s (%(file)s) is due by %(due)s, in %(left)s."),
        prepare=deadline_values,
    )
    messages.register(
        f"tracing_{_kind}_overdue",
        subject=_("Overdue: %(what)s for %(name)s (%(file)s)"),
        body=_("The %(what)s for %(name)s (%(file)s) was due by %(due)s and is %(late)s overdue. "
               "Staff in charge: %(staff)s."),
        prepare=deadline_values,
    )

# Reasons the system gives for its own steps (lib.messages.Said, kept in the transition log)
messages.register("close_cause", subject="%(cause)s", prepare=close_cause)
messages.register("departed_with_family", subject="%(kind)s",
                  prepare=lambda params: {"kind": DepartureKind.FAMILY.label})

"""Tracing's message codes (lib.messages): its notifications, and the reasons it gives for the steps it
takes itself (a case closed or its family found by another record, a report proposed by the search).
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
messages.register("problem_new", subject=_("%(count)s new data-quality problem(s) to fix"),
                  body=_("The data-quality sweep found %(count)s new problem(s) in your files. "
                         "Open the problem list to see what is wrong and how to fix it."))
messages.register("problem_overdue", subject=_("%(count)s data-quality problem(s) past their fix-by date"),
                  body=_("%(count)s problem(s) of your station were not fixed by their fix-by date."))
messages.register(
    "family_confirmed",
    subject=_("Family found: report %(ref)s is %(name)s (%(file)s)"),
    body=_("%(by)s confirmed that the relative reported by the family (%(relation)s, report %(ref)s, "
           "station %(station)s) is %(name)s, file %(file)s. Reason: %(reason)s"),
    prepare=named,
)
messages.register(
    "family_candidate",
    subject=_("Family report %(ref)s: %(n)s new candidate(s)"),
    body=_("The search found new candidates for the family report %(ref)s. Review them on the report page."),
)
messages.register(
    "family_candidate_here",
    subject=_("A family at %(station)s may be looking for %(name)s (%(file)s)"),
    body=_("Family report %(ref)s of %(station)s may concern your resident. Compare the report with the "
           "person and confirm or reject; call %(station)s (%(phone)s) for the family's contact."),
    prepare=named,
)
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
messages.register("candidate_confirmed", subject=_("Family report %(ref)s confirmed: %(reason)s"))
messages.register("files_merged", subject=_("Files merged: %(reason)s"))
messages.register("found_by_search", subject=_("Found by the automatic search."))
messages.register("registered_apart", subject=_("Registered as a different person at intake, after the warning."))

"""Family finding's message codes (lib.messages): its notifications, and the reasons it gives for the
steps it takes itself (a report proposed by the search, files merged, a warning dismissed at intake).
Worded when read, in the reader's language; registered by FamilyConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from lib import messages
from shelter.messages import named

from .models import sentences, undone_lines

# Notifications
messages.register(
    "family_confirmed",
    subject=_("Family found: report %(ref)s is %(name)s (%(file)s)"),
    body=_("%(by)s confirmed that the relative reported by the family (%(relation)s, report %(ref)s, "
           "station %(station)s) is %(name)s, file %(file)s. Reason: %(reason)s"),
    prepare=named,
)


def undone_values(params):
    """The facts put back on the file, and those left as corrected since, named in the reader's language."""
    return {**named(params), "then": sentences(undone_lines(params))}


messages.register(
    "match_undone",
    subject=_("Match undone: report %(ref)s is not confirmed as %(name)s (%(file)s)"),
    body=_("%(by)s, giving the second check, did not agree that the relative reported by family report %(ref)s "
           "is %(name)s, file %(file)s. Reason: %(reason)s. The match is undone: the candidate is to be judged again by "
           "someone other than the report's taker, and a tracing case the match closed is open again. %(then)s"),
    prepare=undone_values,
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

# Reasons the system gives for its own steps (lib.messages.Said, kept in the transition log)
messages.register("candidate_confirmed", subject=_("Family report %(ref)s confirmed: %(reason)s"))
messages.register("files_merged", subject=_("Files merged: %(reason)s"))
messages.register("found_by_search", subject=_("Found by the automatic search."))
messages.register("registered_apart", subject=_("Registered as a different person at intake, after the warning."))

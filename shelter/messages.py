"""The register's message codes (lib.messages): what its notifications say, worded when read in the
reader's language from the parameters stored with them. Registered by ShelterConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from lib import messages

from .models import Decision, ReviewPoint


def named(params):
    """A person's name as stored; an unknown one reads "unknown person" in the reader's language."""
    return {**params, "name": params.get("name") or _("unknown person")}


def review_values(params):
    point = params.get("point")
    return {**named(params), "why": ReviewPoint(point).label if point in ReviewPoint.values else point or "-"}


messages.register(
    "death",
    subject=_("Death reported: %(name)s (%(file)s)"),
    body=_("%(name)s died at %(place)s on %(time)s. Cause as stated: %(cause)s. Reported by %(by)s."),
    prepare=named,
)
messages.register("transfer_accepted", subject=_("Transfer accepted: %(file)s by %(station)s"))
messages.register("transfer_refused", subject=_("Transfer refused: %(file)s by %(station)s"),
                  body="%(reason)s")  # the reason as the receiving station typed it
messages.register("transfer_waiting", subject=_("Transfer from %(station)s waiting: file %(file)s"))
messages.register(
    "stay_review",
    subject=_("Long-stay review due: %(name)s (%(file)s)"),
    body=_("The long-stay review of %(name)s (%(file)s) is due since %(due)s: %(why)s."),
    prepare=review_values,
)


def decision_values(params):
    decision = params.get("decision")
    return {**params, "what": Decision(decision).label if decision in Decision.values else decision or "-"}


messages.register(
    "second_check_waiting",
    subject=_("Awaiting a second check: %(what)s"),
    body=_("A decision awaits a second check since %(since)s: %(what)s. Someone other than the one who took it "
           "checks it on the list of second checks."),
    prepare=decision_values,
)

"""The register's message codes (lib.messages): what its notifications say, worded when read in the
reader's language from the parameters stored with them. Registered by ShelterConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from lib import messages
from lib.text import listed

from .models import Decision, ReportRecipient, ReviewPoint


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


def report_values(params):
    offices = dict(ReportRecipient.choices)
    missing = listed(offices.get(k, k) for k in params.get("missing") or []) or "-"
    return {**named(params), "missing": missing}


messages.register(
    "death_report_due",
    subject=_("Death report due: %(name)s (%(file)s)"),
    body=_("The death of %(name)s (%(file)s) is to be reported by %(due)s; not yet recorded as sent to: "
           "%(missing)s."),
    prepare=report_values,
)
messages.register(
    "body_claim_due",
    subject=_("Unclaimed body: claim deadline %(due)s, %(name)s (%(file)s)"),
    body=_("The body of %(name)s (%(file)s), kept at %(place)s, has not been claimed; its claim deadline is "
           "%(due)s. Then record its disposal with the approval."),
    prepare=named,
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

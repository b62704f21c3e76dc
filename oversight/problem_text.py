"""What a data-quality problem says, in the reader's language: what is wrong and how to fix it, worded
from the problem's kind and parameters (the problem stores codes and facts, never sentences)."""

from django.utils.translation import gettext as _

from lib.text import listed
from shelter.models import Sex
from tracing.models import Channel

from .models import ProblemKind

FIELD_LABELS = {
    "date_of_birth": lambda: _("date of birth"),
    "sex": lambda: _("sex"),
    "age": lambda: _("age estimate"),
}

MONTH_FIGURE_LABELS = {
    "arrivals": lambda: _("arrivals"),
    "in_station": lambda: _("in the station at month end"),
}


def what_is_wrong(problem):
    p, kind = problem.params or {}, problem.kind
    if kind == ProblemKind.ID_CONTRADICTS:
        # Joined as the reader's language joins a list ("、" in Chinese), the sex said, not its code (issue 25).
        fields = listed(FIELD_LABELS[f]() for f in p.get("fields", []) if f in FIELD_LABELS)
        sex = p.get("id_sex", "")
        return _("The ID number (born %(born)s, sex %(sex)s) contradicts the file's %(fields)s.") % {
            "born": p.get("id_birth_date", ""), "sex": Sex(sex).label if sex in Sex.values else sex, "fields": fields}
    if kind == ProblemKind.ID_TWICE:
        return _("The same ID number is on %(count)s other open file(s).") % {"count": len(p.get("others", []))}
    if kind == ProblemKind.NO_PORTRAIT:
        return _("The identity is unknown and the file has no main portrait.")
    if kind == ProblemKind.NOTICE_NO_PORTRAIT:
        # One problem per channel: each says its channel, so two lines of a file are not the same words.
        channel = p.get("channel")
        if channel in Channel.values:
            return _("The notice on %(channel)s is out without the person's portrait.") % {
                "channel": Channel(channel).label}
        return _("A search notice is out without the person's portrait.")
    if kind == ProblemKind.DNA_NOT_SAMPLED:
        return _("DNA referral %(reference)s was sent on %(sent)s and no sample is recorded.") % p
    if kind == ProblemKind.DNA_NO_RESULT:
        return _("The DNA sample of referral %(reference)s was taken on %(sampled)s and no result is recorded.") % p
    if kind == ProblemKind.REVIEW_OVERDUE:
        return _("The long-stay review was due on %(due)s and is not recorded.") % {"due": p.get("due", "")}
    if kind == ProblemKind.HANDOVER_MISSING:
        return _("Brought by the police, but the handover form's number or scan is missing.")
    if kind == ProblemKind.LATE_NOT_SEEN:
        if p.get("reason_missing"):
            return _("Entered late without a reason.")
        return _("Entered late and not yet seen by a supervisor.")
    if kind == ProblemKind.BELONGINGS:
        return _("%(items)s belonging(s) not counted out at the end of the stay.") % {"items": p.get("items", 0)}
    if kind == ProblemKind.DUPLICATE_DISMISSED:
        return _("A possible duplicate file was dismissed without a supervisor.")
    if kind == ProblemKind.MONTH_CHANGE:
        values = {**p, "figure": MONTH_FIGURE_LABELS.get(p.get("figure"), lambda: p.get("figure"))()}
        return _("%(figure)s in %(month)s: %(after)s against %(before)s the month before (%(percent)+d%%).") % values
    if kind == ProblemKind.COMPARISON_HIT:
        if p.get("how") == "id":
            return _("Line %(line)s of the list from %(source)s has this file's ID number.") % p
        return _("Line %(line)s of the list from %(source)s has a name alike and the same date of birth.") % p
    if kind in PAYMENTS:
        return payment_wrong(kind, p)
    if kind == ProblemKind.INSPECTION_MISSING:
        return _("The monthly inspection of %(month)s is not filed.") % {"month": p.get("month", "")}
    if kind == ProblemKind.INSPECTION_FINDING:
        return _("Inspection finding: %(text)s") % {"text": p.get("text", "")}
    return str(problem.get_kind_display())


PAYMENTS = (ProblemKind.PAYMENT_MISSING, ProblemKind.PAYMENT_EXTRA, ProblemKind.PAYMENT_AMOUNT,
            ProblemKind.PAYMENT_PAYEE)

PAYEE_LABELS = {
    "name": lambda: _("name"),
    "id_number": lambda: _("ID number"),
    "account": lambda: _("account"),
}


def payment_wrong(kind, p):
    """A difference of the finance comparison of `month`: receipt, amounts, the payee's fields that differ."""
    values = {"month": p.get("month", ""), "receipt": p.get("receipt_no") or "–", "line": p.get("line", ""),
              "amount": p.get("amount", ""), "system": p.get("system", ""), "sheet": p.get("sheet", "")}
    if kind == ProblemKind.PAYMENT_MISSING:
        return _("%(month)s: the payment of %(amount)s yuan (receipt %(receipt)s) is not on the finance "
                 "sheet.") % values
    if kind == ProblemKind.PAYMENT_EXTRA:
        return _("%(month)s: line %(line)s of the finance sheet pays %(amount)s yuan (receipt %(receipt)s) and "
                 "no departure records it.") % values
    if kind == ProblemKind.PAYMENT_AMOUNT:
        return _("%(month)s: receipt %(receipt)s is %(system)s yuan in Homeward and %(sheet)s yuan on line "
                 "%(line)s of the finance sheet.") % values
    fields = listed(PAYEE_LABELS[f]() for f in p.get("fields", []) if f in PAYEE_LABELS)
    return _("%(month)s: line %(line)s of the finance sheet (receipt %(receipt)s) pays someone else: the "
             "%(fields)s differ.") % {**values, "fields": fields}


def how_to_fix(problem):
    kind = problem.kind
    return {
        ProblemKind.ID_CONTRADICTS: lambda: _("Check the ID document and correct the ID number or the file."),
        ProblemKind.ID_TWICE: lambda: _("Check whether the files are the same person; merge them or correct the number."),
        ProblemKind.NO_PORTRAIT: lambda: _("Take a portrait and make it the main one."),
        ProblemKind.NOTICE_NO_PORTRAIT: lambda: _("Take a portrait; the notice then uses it."),
        ProblemKind.DNA_NOT_SAMPLED: lambda: _("Ask the police unit when the sample is taken and record it."),
        ProblemKind.DNA_NO_RESULT: lambda: _("Ask for the comparison result and record it."),
        ProblemKind.REVIEW_OVERDUE: lambda: _("Record the long-stay review."),
        ProblemKind.HANDOVER_MISSING: lambda: _("Enter the handover form's number and upload its scan."),
        ProblemKind.LATE_NOT_SEEN: lambda: _("A supervisor looks at the late entry and marks it seen."),
        ProblemKind.BELONGINGS: lambda: _("Record for each item whether it was returned, kept or handed over."),
        ProblemKind.DUPLICATE_DISMISSED: lambda: _("A supervisor checks the two files again: merge them, or accept."),
        ProblemKind.MONTH_CHANGE: lambda: _("Check the month's entries for errors; if the change is real, accept it "
                                            "with the explanation."),
        ProblemKind.COMPARISON_HIT: lambda: _("Check the line with the department; correct the file, or accept."),
        ProblemKind.INSPECTION_MISSING: lambda: _("The station head files the month's inspection in the "
                                                  "inspection register."),
        ProblemKind.INSPECTION_FINDING: lambda: _("Fix what the inspector found, then mark the finding fixed "
                                                  "saying what was done."),
        ProblemKind.PAYMENT_MISSING: lambda: _("Ask the finance office whether it was paid; correct the departure "
                                               "or upload the corrected sheet."),
        ProblemKind.PAYMENT_EXTRA: lambda: _("Find the departure this money was paid for and record it, or ask "
                                             "the finance office to correct its sheet."),
        ProblemKind.PAYMENT_AMOUNT: lambda: _("Check the receipt: correct the departure's amounts or ask the "
                                              "finance office to correct its sheet."),
        ProblemKind.PAYMENT_PAYEE: lambda: _("Check who was paid, into which account: correct the file or the "
                                             "departure, or ask the finance office to correct its sheet."),
    }.get(kind, lambda: "")()

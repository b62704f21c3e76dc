"""A second pair of eyes (shelter.models.checks): every decision of the list `Decision` goes through here.

- `decide`: a decision that checks an entry someone made (a late entry seen, a problem accepted, a
  duplicate warning dismissed, a match confirmed, a stated time accepted). Taken by someone else, it
  stands; taken by the one who made the entry, it is refused with a message naming who can take it,
  unless recorded as *awaiting a second check* (the night shift with one person): it takes effect and
  waits on the supervisors' list.
- `request_check`: a decision whose maker always needs a second person (an identity confirmed, a case
  closed without the family found): recorded as awaiting a second check.
- `record_check`: the second person agrees or not; what follows is the deciding app's
  (shelter.hooks.SECOND_CHECK_FOLLOWS).
"""

from django.db import transaction

from lib import workflow

from .. import hooks
from ..models import CheckState, SecondCheck, SelfApprovalRefused, self_approval_message, target_key


def same_person(a, b):
    return a is not None and b is not None and a.pk == b.pk


def decide(*, decision, target, station, entered_by, by, awaiting=False, note="", params=None):
    """`by` decides on `target`, an entry `entered_by` made. Returns the SecondCheck awaited when `by` made
    the entry and records it as awaiting a second check; None when someone else decides (it stands).
    SelfApprovalRefused when `by` made the entry and did not say it awaits a second check, or when a
    second check already did not agree with this decision on this record (then someone else takes it)."""
    if not same_person(entered_by, by):
        return None
    if not awaiting:
        raise SelfApprovalRefused(self_approval_message(decision, station, by))
    if SecondCheck.objects.filter(decision=decision, state=CheckState.REJECTED, **target_key(target)).exists():
        raise SelfApprovalRefused(self_approval_message(decision, station, by, rejected=True))
    return request_check(decision=decision, target=target, station=station, entered_by=by, note=note,
                         params=params)


def request_check(*, decision, target, station, entered_by, note="", params=None):
    """Record `decision` on `target` as awaiting a second check (one awaited per decision and record)."""
    params = params or {}
    check = SecondCheck.objects.filter(decision=decision, state=CheckState.PENDING, params=params,
                                       **target_key(target)).first()
    if check is None:
        check = SecondCheck.objects.create(decision=decision, station=station, params=params,
                                           entered_by=entered_by, note=str(note or "")[:300], **target_key(target))
    return check


def awaited(*, decision, target):
    """The second check `decision` on `target` still awaits, or None."""
    return SecondCheck.objects.filter(decision=decision, state=CheckState.PENDING, **target_key(target)).first()


@transaction.atomic
def record_check(*, check, by, agreed, reason=""):
    """`by`, who did not take the decision, agrees (`agreed`) or not, with a reason (needed to disagree).
    What follows for the deciding app's records runs in the same transaction. Returns the check."""
    workflow.apply(check, "agree" if agreed else "disagree", by, reason=reason)
    follow = hooks.SECOND_CHECK_FOLLOWS.get(check.decision)
    if follow is not None:
        follow(check=check, agreed=agreed, by=by)
    return check


def reopen_unless_agreed(*, check, agreed, by, still_decided):
    """What follows most second checks: agreed, the decision stands; not agreed, the record it was taken
    on opens again (its `reopen` transition, the checker's reason in the transition log), while the
    decision still holds (`still_decided(record)`). Returns the record."""
    record = check.target
    if agreed or record is None or not still_decided(record):
        return record
    record.reopen(by=by, reason=check.check_reason)
    record.save()
    return record


__all__ = ["SelfApprovalRefused", "awaited", "decide", "record_check", "reopen_unless_agreed",
           "request_check"]

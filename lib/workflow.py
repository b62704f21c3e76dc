"""Running a django-fsm transition on behalf of a user, with messages a station worker understands.

The rule itself (source states, conditions, permission) lives on the model's @transition; this only
checks the permission, runs the transition in a transaction, saves, and turns each refusal into one
WorkflowError with a translated message. Two people acting on the same object at once: the model's
ConcurrentTransitionMixin makes the second save fail, and the whole transaction is rolled back.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed, has_transition_perm

from lib.errors import Refusal


class WorkflowError(Refusal):
    """A step refused: wrong state, record not complete, not allowed, or lost a race (`conflict`: the
    page answers 409 Conflict, and the person reloads to see what the other one did)."""

    def __init__(self, message, conflict=False):
        super().__init__(message)
        self.conflict = conflict


def changed_meanwhile():
    return WorkflowError(
        _("Someone else changed this record at the same moment; nothing was saved. Please reload and check."),
        conflict=True,
    )


def label(obj, name):
    """The human label of a transition (its custom "label"), for buttons and messages."""
    method = getattr(obj, name)
    meta = method._django_fsm
    for t in meta.transitions.values():
        if t.name == name and "label" in t.custom:
            return str(t.custom["label"])
    return name


def apply(obj, name, user, **kwargs):
    """Run transition `name` on `obj` as `user` and save; raise WorkflowError if it may not run."""
    method = getattr(obj, name)
    action = label(obj, name)
    # Asked in this order because has_transition_perm() is also false when a condition fails.
    if not can_proceed(method, check_conditions=False):
        raise WorkflowError(not_from_state(obj, action))
    if not can_proceed(method):
        raise WorkflowError(_("“%(action)s” cannot be done yet: the record is not complete.") % {"action": action})
    if not has_transition_perm(method, user):
        raise WorkflowError(_("You are not allowed to do this: %(action)s.") % {"action": action})
    try:
        with transaction.atomic():
            # The row is locked first, so of two people taking a step at once the second waits, then
            # finds the record changed and is told so, whatever the step would have refused instead
            # (a second departure would otherwise fail the model's own checks with a confusing message).
            if locked_state(obj) != obj.state:
                raise changed_meanwhile()
            result = method(by=user, **kwargs)
            obj.save()
    except TransitionNotAllowed:
        raise WorkflowError(not_from_state(obj, action)) from None
    except ConcurrentTransition:
        raise changed_meanwhile() from None
    return result


def locked_state(obj):
    """The state of the object's row as committed, the row locked until the transaction ends."""
    rows = type(obj)._default_manager.select_for_update().filter(pk=obj.pk)
    return rows.values_list("state", flat=True).first()


def not_from_state(obj, action):
    state = obj._meta.get_field("state")
    current = dict(state.flatchoices).get(obj.state, obj.state)
    return _("“%(action)s” is not possible now: the record is already “%(state)s”. Nothing was changed.") % {
        "action": action,
        "state": current,
    }


def available(obj, user):
    """(name, label) of the transitions this user may run on obj now, for buttons."""
    return [(t.name, str(t.custom.get("label", t.name))) for t in obj.get_available_user_state_transitions(user)]

"""Reads that several views share. Each is scoped to what the user's station may see: anything else is
a 404, as if it did not exist."""

from django.shortcuts import get_object_or_404

from lib import workflow

from .models import Person, StateLog, Stay


def person_for(user, pk):
    """The person, if the user's station may see the file."""
    return get_object_or_404(Person.objects.for_user(user), pk=pk)


def stay_for(user, pk):
    return get_object_or_404(Stay.objects.for_user(user).select_related("person"), pk=pk)


def transition_history(obj):
    """The transition log of a workflow object as its page shows it, names translated:
    [(at, step, from, to, reason, by)]."""
    states = dict(obj._meta.get_field("state").flatchoices)
    return [
        (log.at, workflow.label(obj, log.transition), states.get(log.source_state, log.source_state),
         states.get(log.state, log.state), log.reason, log.by)
        for log in StateLog.for_object(obj).select_related("by")
    ]

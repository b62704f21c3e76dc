"""The one helper of the step views: run a workflow step for the user, record it in the audit log,
and say what happened. Every app's step views call it, so a refusal reads the same everywhere.

A refusal (wrong state, not allowed, record incomplete, someone else quicker: lib.workflow; a reason
missing or a time out of order: the model's ValidationError) changes nothing. Without a form it comes
back as a message; with one, beside the field it concerns, so the page can be shown again with
everything typed kept.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from lib import workflow
from lib.errors import Refusal

from .models import AuditEvent


def take_step(request, obj, name, *, person=None, form=None, done=None, audit=None, action=AuditEvent.TRANSITION,
              service=None, **kwargs):
    """Run step `name` on `obj` as request.user: through `service` (the service that takes the step,
    called with by= and kwargs, e.g. shelter.services.depart_stay), else lib.workflow.apply (kwargs go
    to the transition). On success: an audit
    event (`action`, with `audit` as detail) and the message `done` (a text, or a function of the
    step's result). Returns the Outcome: true when done, with the step's result; on refusal, false,
    saying whether the workflow refused (wrong state, not allowed: `conflict` when someone else was
    quicker) or the record was invalid."""
    try:
        if service is None:
            result = workflow.apply(obj, name, request.user, **kwargs)
        else:
            result = service(by=request.user, **kwargs)
    except workflow.WorkflowError as e:
        refused(request, form, e.message)
        return Outcome(False, refusal="conflict" if e.conflict else "workflow")
    except Refusal as e:  # e.g. a decision on one's own entry (a second pair of eyes)
        refused(request, form, e.message)
        return Outcome(False, refusal="workflow")
    except ValidationError as e:
        refused(request, form, e)
        return Outcome(False, refusal="invalid")
    AuditEvent.record(request, action, person, target=obj, transition=name, **(audit or {}))
    text = done(result) if callable(done) else done
    messages.success(request, text or _("Done: %(action)s.") % {"action": workflow.label(obj, name)})
    return Outcome(True, result)


@dataclass
class Outcome:
    done: bool
    result: object = None
    refusal: str = ""  # "workflow", "conflict" or "invalid"

    def __bool__(self):
        return self.done

    @property
    def status(self):
        """The HTTP status of a page that shows the refusal: 409 Conflict when someone else was quicker."""
        return 409 if self.refusal == "conflict" else 400


def refused(request, form, error):
    """A refusal beside the form's field it concerns (or above the form), else as a message."""
    if form is None:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))


def then(request, outcome, response):
    """The page after a step taken with a button (no form to show again): the redirect, except when
    someone else was quicker, which answers 409 with the message and a link back to reload."""
    if outcome.refusal == "conflict":
        return render(request, "shelter/conflict.html", {"back": response.url}, status=409)
    return response

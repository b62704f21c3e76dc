"""Shelter's receivers, connected in ShelterConfig.ready(): the transition log of every workflow, the
roles after each migrate, and the log-ins and failed log-ins in the audit log (the e-mail and SMS of
notifications leave from shelter.delivery, called by Notification.send)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django_fsm.signals import post_transition

from lib import messages
from lib.http import client_ip

from .models import AuditEvent, StateLog
from .roles import sync_groups


@receiver(post_transition, dispatch_uid="shelter.log_transition")
def log_transition(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    if kwargs.get("exception"):
        return
    method_kwargs = method_kwargs or {}
    reason = method_kwargs.get("reason", "") or ""
    said = isinstance(reason, messages.Said)  # the system's own reason: its code, worded when read
    StateLog.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        transition=name,
        source_state=source,
        state=target,
        by=method_kwargs.get("by"),
        reason=str(reason),
        reason_code=reason.code if said else "",
        reason_params=reason.params if said else None,
    )


@receiver(post_migrate, dispatch_uid="shelter.sync_roles")
def sync_roles(sender, using="default", **kwargs):
    # Runs after each app's permissions exist; the last app's run sees them all.
    sync_groups(using)


@receiver(user_logged_in, dispatch_uid="shelter.audit_login")
@receiver(user_logged_out, dispatch_uid="shelter.audit_logout")
def audit_login(sender, request, user, signal, **kwargs):
    if request is not None and user is not None:
        action = AuditEvent.LOGIN if signal is user_logged_in else AuditEvent.LOGOUT
        AuditEvent.objects.create(user=user, station=user.station, action=action, target=user.username,
                                  ip=client_ip(request), path=request.get_full_path()[:300])


@receiver(user_login_failed, dispatch_uid="shelter.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    """The user name tried is kept (never the password): the lockout's evidence, for the audit page."""
    if request is not None:
        AuditEvent.record(request, AuditEvent.LOGIN_FAILED, target=str(credentials.get("username", ""))[:150])

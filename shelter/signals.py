"""Signal receivers: the transition log of every workflow, and the login lockout count."""

from django.contrib.auth.signals import user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django_fsm.signals import post_transition

from .models import LoginFailure, StateLog


@receiver(post_transition)
def log_transition(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    if kwargs.get("exception"):
        return
    method_kwargs = method_kwargs or {}
    StateLog.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        transition=name,
        source_state=source,
        state=target,
        by=method_kwargs.get("by"),
        reason=method_kwargs.get("reason", "") or "",
    )


@receiver(user_login_failed)
def count_login_failure(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    if username:
        LoginFailure.objects.create(username=username, ip=request.META.get("REMOTE_ADDR") if request else None)


@receiver(post_migrate)
def sync_roles(sender, using="default", **kwargs):
    # Runs after each app's permissions exist; the last app's run sees them all.
    from .roles import sync_groups

    sync_groups(using)

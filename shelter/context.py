"""What every page's header shows: the signed-in user's unread notifications (counted when shown)."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: Notification.objects.unread_count(user)),
            "notification_poll": settings.NOTIFICATION_POLL_SECONDS}

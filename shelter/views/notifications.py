"""The user's notifications and the header's unread count."""


from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..models import (
    Notification,
)
from ..services import (
    mark_read,
)


@login_required
def notifications(request):
    """The user's notifications, the unread ones marked until opened or marked read."""
    items = Notification.objects.filter(user=request.user)[:100]
    return render(request, "shelter/notifications.html", {"items": items})


@login_required
def notification_open(request, pk):
    """Open one notification: it is read now, and the user goes to its record (or back to the list)."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_read(user=request.user, pks=[note.pk])
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("shelter:notifications")


@login_required
@require_POST
def notifications_read(request):
    """Mark one notification (`pk`) or all of the user's notifications read."""
    pk = request.POST.get("pk")
    mark_read(user=request.user, pks=[pk] if pk and pk.isdigit() else None)
    return redirect("shelter:notifications")


@login_required
def notification_badge(request):
    """The header's unread count, polled by htmx on every page (no audit: it shows only a number)."""
    return render(request, "shelter/_badge.html")

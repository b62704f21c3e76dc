"""Notifications staff notice: a count in the header on every page (polled by htmx), unread items
marked until opened or marked read, and a link from each to its record."""

import re

from django.urls import reverse

from shelter.models import Notification


def badge(html):
    match = re.search(r'<a id="notifications-link"[^>]*>(.*?)</a>', html, re.S)
    assert match, "no notifications link in the header"
    return match


def test_the_header_counts_unread_notifications_on_every_page(client_as, reception, person):
    Notification.objects.create(user=reception, kind="test", stored_subject="新的提醒")
    Notification.objects.create(user=reception, kind="test", stored_subject="第二条")
    Notification.objects.create(user=reception, kind="test", stored_subject="已读", read_at="2026-01-01T00:00Z")
    client = client_as(reception)
    for url in (reverse("shelter:people"), person.get_absolute_url()):
        link = badge(client.get(url).content.decode())
        assert '<span class="count-badge">2</span>' in link.group(1)


def test_the_badge_is_polled_without_a_reload(client_as, reception):
    client = client_as(reception)
    page = client.get(reverse("shelter:people")).content.decode()
    tag = badge(page).group(0)
    assert f'hx-get="{reverse("shelter:notification_badge")}"' in tag and 'hx-trigger="every 30s"' in tag
    assert "htmx-2.0.11.min.js" in page and "js/htmx-config.js" in page
    assert '<span class="count-badge">' not in client.get(reverse("shelter:notification_badge")).content.decode()
    Notification.objects.create(user=reception, kind="test", stored_subject="新的提醒")
    fragment = client.get(reverse("shelter:notification_badge"), headers={"HX-Request": "true"}).content.decode()
    assert '<span class="count-badge">1</span>' in fragment and "<html" not in fragment


def test_opening_the_list_does_not_mark_everything_read(client_as, reception):
    Notification.objects.create(user=reception, kind="test", stored_subject="新的提醒")
    client = client_as(reception)
    for _ in range(2):
        assert 'class="unread"' in client.get(reverse("shelter:notifications")).content.decode()
    assert Notification.objects.unread().count() == 1


def test_opening_a_notification_marks_it_read_and_goes_to_its_record(client_as, reception, person):
    note = Notification.objects.create(user=reception, kind="test", stored_subject="新的提醒", url=person.get_absolute_url())
    other = Notification.objects.create(user=reception, kind="test", stored_subject="另一条")
    client = client_as(reception)
    page = client.get(reverse("shelter:notifications")).content.decode()
    assert f'href="{reverse("shelter:notification_open", args=[note.pk])}"' in page
    response = client.get(reverse("shelter:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response.url == person.get_absolute_url()
    note.refresh_from_db()
    other.refresh_from_db()
    assert note.read_at is not None and other.read_at is None


def test_marking_one_or_all_read(client_as, reception):
    first = Notification.objects.create(user=reception, kind="test", stored_subject="一")
    Notification.objects.create(user=reception, kind="test", stored_subject="二")
    client = client_as(reception)
    client.post(reverse("shelter:notifications_read"), {"pk": first.pk})
    assert Notification.objects.unread().count() == 1
    client.post(reverse("shelter:notifications_read"))
    assert Notification.objects.unread().count() == 0


def test_nobody_opens_or_marks_another_users_notifications(client_as, reception, supervisor):
    theirs = Notification.objects.create(user=supervisor, kind="test", stored_subject="别人的", url="/")
    client = client_as(reception)
    assert client.get(reverse("shelter:notification_open", args=[theirs.pk])).status_code == 404
    client.post(reverse("shelter:notifications_read"), {"pk": theirs.pk})
    client.post(reverse("shelter:notifications_read"))
    theirs.refresh_from_db()
    assert theirs.read_at is None

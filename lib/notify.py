"""Delivery of notifications to staff by e-mail and SMS. A failure of one channel is logged, not raised:
the notification record is already saved and shows on the staff member's page."""

import logging

from django.conf import settings
from django.core.mail import send_mail

from lib import sms

log = logging.getLogger(__name__)


def deliver(notifications):
    backend = sms.get_backend()
    for n in notifications:
        user = n.user
        link = f"\n{settings.SITE_URL}{n.url}" if n.url else ""
        if user.email:
            try:
                send_mail(n.subject, f"{n.body}{link}", settings.DEFAULT_FROM_EMAIL, [user.email])
            except Exception:
                log.exception("e-mail to %s failed", user.email)
        if user.phone:
            try:
                backend.send(user.phone, f"{n.subject}. {n.body}"[:300])
            except Exception:
                log.exception("SMS to %s failed", user.phone)

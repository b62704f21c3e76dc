"""Delivery of notifications to staff by e-mail and SMS. A failure of one channel is logged, not raised:
the notification record is already saved and shows on the staff member's page.

An SMS leaves the system for a telephone company and lies unlocked on a phone: it carries no personal
data. Never the subject or body (names, causes of death, places): only the file number or report
reference and the link to the page, where the staff member logs in to read the rest.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from lib import sms

log = logging.getLogger(__name__)


def sms_text(reference, url):
    """The whole text of an SMS: a reference (file number) and a link, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        if reference:
            text = _("Homeward: new notification about %(ref)s.") % {"ref": reference}
        else:
            text = _("Homeward: new notification.")
    return f"{text} {settings.SITE_URL}{url}" if url else text


def language_of(user):
    """The language a user reads messages in away from the screen: the project keeps no preference per
    user (the screen's language is a cookie of one browser), so the site's language."""
    return settings.LANGUAGE_CODE


def deliver(notifications):
    """Each e-mail worded in its recipient's language (`n.worded(language)`), whoever queued it."""
    backend = sms.get_backend()
    for n in notifications:
        user = n.user
        link = f"\n{settings.SITE_URL}{n.url}" if n.url else ""
        if user.email:
            try:
                subject, body = n.worded(language_of(user))
                send_mail(subject, f"{body}{link}", settings.DEFAULT_FROM_EMAIL, [user.email])
            except Exception:
                log.exception("e-mail to %s failed", user.email)
        if user.phone:
            try:
                backend.send(user.phone, sms_text(n.reference, n.url))
            except Exception:
                log.exception("SMS to %s failed", user.phone)

"""Delivery of notifications to staff by e-mail and SMS. A failure of one channel is logged, not raised:
the notification record is already saved and shows on the staff member's page.

An SMS leaves the system for a telephone company and lies unlocked on a phone: it carries no personal
data. Never the subject or body (names, causes of death, places): only the file number or report
reference and the link to the page, where the staff member logs in to read the rest.

An e-mail goes the same way (a mail server outside the bureau's network reads it in clear), unless the
setting MAIL_SERVER_INTERNAL says the mail server is the bureau's own: then it carries the subject and
body in full.
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


def email_text(reference, url, language):
    """(subject, body) of an e-mail through a mail server outside the bureau: what an SMS says, the
    link on a line of its own."""
    with translation.override(language):
        if reference:
            subject = _("Homeward: new notification about %(ref)s.") % {"ref": reference}
        else:
            subject = _("Homeward: new notification.")
        body = _("Log in to read it.")
    return subject, f"{subject}\n{body}\n{settings.SITE_URL}{url}" if url else f"{subject}\n{body}"


def language_of(user):
    """The language a user reads messages in away from the screen: the project keeps no preference per
    user (the screen's language is a cookie of one browser), so the site's language."""
    return settings.LANGUAGE_CODE


def deliver(notifications):
    """Each e-mail worded in its recipient's language, whoever queued it: in full (`n.worded(language)`)
    only through an internal mail server (MAIL_SERVER_INTERNAL), else the reference and the link."""
    backend = sms.get_backend()
    for n in notifications:
        user = n.user
        link = f"\n{settings.SITE_URL}{n.url}" if n.url else ""
        if user.email:
            try:
                if getattr(settings, "MAIL_SERVER_INTERNAL", False):
                    subject, body = n.worded(language_of(user))
                    body = f"{body}{link}"
                else:
                    subject, body = email_text(n.reference, n.url, language_of(user))
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            except Exception:
                log.exception("e-mail to %s failed", user.email)
        if user.phone:
            try:
                backend.send(user.phone, sms_text(n.reference, n.url))
            except Exception:
                log.exception("SMS to %s failed", user.phone)

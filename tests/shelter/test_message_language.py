"""What the system writes for people to read later (notifications, the reasons it gives for its own
steps) is stored as a code and parameters and worded when read, in the reader's language: not in the
language of whoever (or whatever) caused it."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from shelter.models import Notification

DEATH = {"name": "王大明", "file": "GZ-2026-0007", "place": "广州市第一人民医院", "time": "2026-11-02 03:10",
         "cause": "心脏骤停", "by": "李医生"}
WAITING = {"station": "佛山站", "file": "GZ-2026-0001"}


def reading_in(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def notifications_page(client_as, user, language):
    return reading_in(client_as(user), language).get(reverse("shelter:notifications")).content.decode()


def test_a_notification_sent_while_english_is_active_reads_in_chinese_to_a_chinese_reader(client_as, supervisor):
    with translation.override("en"):
        Notification.send([supervisor], "death", DEATH, url="/")
        Notification.send([supervisor], "transfer_waiting", WAITING, url="/")
    page = notifications_page(client_as, supervisor, "zh-hans")
    assert "死亡报告：王大明（GZ-2026-0007）" in page
    assert "王大明 于 2026-11-02 03:10 在 广州市第一人民医院 死亡。证明所述死因：心脏骤停。报告人：李医生。" in page
    assert "佛山站 转来人员待接收：档案 GZ-2026-0001" in page
    assert "Death reported" not in page and "Transfer from" not in page


def test_a_notification_sent_while_chinese_is_active_reads_in_english_to_an_english_reader(client_as, supervisor):
    with translation.override("zh-hans"):
        Notification.send([supervisor], "death", DEATH, url="/")
        Notification.send([supervisor], "transfer_waiting", WAITING, url="/")
    page = notifications_page(client_as, supervisor, "en")
    assert "Death reported: 王大明 (GZ-2026-0007)" in page
    assert "王大明 died at 广州市第一人民医院 on 2026-11-02 03:10. Cause as stated: 心脏骤停. Reported by 李医生." in page
    assert "Transfer from 佛山站 waiting: file GZ-2026-0001" in page
    assert "死亡报告" not in page and "待接收" not in page


def test_an_unknown_persons_name_reads_in_the_readers_language(supervisor):
    note, = Notification.send([supervisor], "death", {**DEATH, "name": ""})
    with translation.override("zh-hans"):
        assert note.subject == "死亡报告：身份不明人员（GZ-2026-0007）", note.subject
    with translation.override("en"):
        assert note.subject == "Death reported: unknown person (GZ-2026-0007)"


@pytest.mark.parametrize("site, screen, subject", [
    ("zh-hans", "en", "死亡报告：王大明（GZ-2026-0007）"),
    ("en", "zh-hans", "Death reported: 王大明 (GZ-2026-0007)"),
], ids=["chinese-site-english-screen", "english-site-chinese-screen"])
def test_the_email_is_worded_in_the_recipients_language_not_the_senders(settings, committed, supervisor, site, screen,
                                                                        subject):
    """No language is kept per user: the recipient reads e-mail in the site's language, whatever the
    language of the screen (or worker) that sent it; delivery here runs inside that screen's language."""
    settings.LANGUAGE_CODE, settings.MAIL_SERVER_INTERNAL = site, True
    with committed(), translation.override(screen):
        Notification.send([supervisor], "death", DEATH, url="/people/1/")
    message, = mail.outbox
    assert message.subject == subject
    assert ("心脏骤停" in message.body) and (("证明所述死因" in message.body) == (site == "zh-hans"))


def test_a_notification_from_before_the_codes_reads_as_it_was_stored(client_as, supervisor):
    """Rows written before the codes (params NULL, migration shelter 0015) keep their sentence."""
    Notification.objects.create(user=supervisor, kind="death", stored_subject="死亡报告：张三（GZ-2025-0001）",
                                stored_body="张三 于 2025-01-01 死亡。")
    for language in ("en", "zh-hans"):
        page = notifications_page(client_as, supervisor, language)
        assert "死亡报告：张三（GZ-2025-0001）" in page and "张三 于 2025-01-01 死亡。" in page
    with translation.override("en"):
        assert Notification.objects.get().subject == "死亡报告：张三（GZ-2025-0001）"


def test_an_unknown_code_is_refused_when_sent(supervisor):
    with pytest.raises(ValueError):
        Notification.send([supervisor], "no_such_code", {})

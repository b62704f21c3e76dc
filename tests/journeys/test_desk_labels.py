"""At the desk, on the demo's main pages: every input has a label a person can see (not only a placeholder
or an aria-label), the labels and headings of tables and lists start with a capital in English, and the
portrait's measurements say which column is the measured value and which is required, marking the rows
that fail in words, not by colour alone."""

import re
from html.parser import HTMLParser

from django.test import Client
from django.utils import translation

from face.models import Portrait
from shelter.models import User

HEADS = {"th", "dt", "label", "legend", "caption", "h2"}
SKIPPED_INPUTS = {"hidden", "submit", "button", "reset", "image"}


class Page(HTMLParser):
    """The inputs of <main> with no visible label, and the texts of its labels and headings."""

    def __init__(self):
        super().__init__()
        self.in_main = False
        self.labels_for, self.inputs, self.wrapped = set(), [], 0
        self.heads, self.open = [], []  # [tag, text, holds a radio or checkbox]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        if tag == "label":
            self.wrapped += 1
            if a.get("for"):
                self.labels_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in SKIPPED_INPUTS:
            self.inputs.append((a.get("id"), self.wrapped > 0, f"<{tag} name={a.get('name')}>"))
            if a.get("type") in ("radio", "checkbox"):
                for head in self.open:
                    head[2] = True
        if tag in HEADS:
            self.open.append([tag, "", False])

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        if tag == "label" and self.wrapped:
            self.wrapped -= 1
        if tag in HEADS and self.open and self.open[-1][0] == tag:
            self.heads.append(tuple(self.open.pop()))

    def handle_data(self, data):
        for head in self.open:
            head[1] += data

    def unlabelled(self):
        return [html for id_, wrapped, html in self.inputs if not wrapped and id_ not in self.labels_for]

    def lowercase_heads(self):
        """Labels and headings that start with a small letter (option labels of radios and checkboxes aside:
        those are the choices, not names)."""
        return [f"<{tag}>{text.strip()[:40]}" for tag, text, option in self.heads
                if not option and text.strip()[:1].islower()]


def read(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    page = Page()
    page.feed(response.content.decode())
    return page


def demo_client(username, language="en"):
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = language
    return client


def pages_read(demo, language="en"):
    supervisor, reception = demo_client("gz-supervisor", language), demo_client("gz-reception", language)
    return {**{name: read(supervisor, path) for name, path in demo.supervisor_pages().items()},
            **{name: read(reception, path) for name, path in demo.reception_pages().items()}}


def test_every_input_of_the_main_pages_has_a_visible_label(demo):
    pages = pages_read(demo)
    assert {name: page.unlabelled() for name, page in pages.items() if page.unlabelled()} == {}
    # Those that had none, or only a placeholder: the service row, the candidate's confirm and reject reasons.
    assert {"id_svc-kind", "id_svc-given_at", "id_svc-notes", "id_svc-late_reason"} <= pages["waiting"].labels_for
    assert {f for f in pages["report"].labels_for if re.match(r"(confirm|reject)-reason-\d+$", f)}


def test_the_refresh_date_of_a_published_notice_has_a_visible_label(demo):
    html = demo_client("gz-supervisor").get(demo.case.get_absolute_url()).content.decode()
    label = re.search(r'<label for="(id_[^"]*at)" class="([^"]*)">([^<]+)</label>', html)
    assert label and "visually-hidden" not in label.group(2) and label.group(3) == "Date of the refresh"
    assert f'id="{label.group(1)}"' in html


def test_labels_and_headings_start_with_a_capital_in_english(demo):
    pages = pages_read(demo)
    assert {name: page.lowercase_heads() for name, page in pages.items() if page.lowercase_heads()} == {}
    # In Chinese nothing changes: capfirst leaves Chinese alone.
    board = demo_client("gz-supervisor", "zh-hans").get(demo.supervisor_pages()["board"]).content.decode()
    assert "<th>事项</th>" in board


def test_the_portraits_measurements_name_their_columns_and_mark_what_fails(demo):
    portrait = demo.portrait
    Portrait.objects.filter(pk=portrait.pk).update(measures={**portrait.measures, "sharpness": 0.001})
    path = demo.supervisor_pages()["portrait"]
    html = demo_client("gz-supervisor").get(path).content.decode()
    table = html[html.index('<table class="list measures">'):]
    table = table[:table.index("</table>")]
    assert re.search(r"<th[^>]*>Measure</th><th[^>]*>Measured value</th><th[^>]*>Required</th><th[^>]*>Result</th>",
                     table)
    failing = re.findall(r'<tr class="fails">(.*?)</tr>', table, re.S)
    assert len(failing) == 1 and "Sharpness" in failing[0] and "✗" in failing[0] and "fails" in failing[0]
    assert table.count("✓") >= 5  # the others pass, and say so
    with translation.override("zh-hans"):
        zh = demo_client("gz-supervisor", "zh-hans").get(path).content.decode()
    assert re.search(r"<th[^>]*>测得值</th><th[^>]*>要求</th><th[^>]*>结果</th>", zh) and "未通过" in zh

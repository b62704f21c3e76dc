"""No English in a Chinese page, PDF or export (issue 25): the demo (seed_demo) is read in Chinese by the
supervisor, the station head and the inspector, following every link of the pages they land on (one page
of each kind: ids are counted as one), and every Latin word found is reported with the page it is on.

The audit log's CSV keeps each entry's parameters as stored (JSON, for an auditor's tools): that column
is not read. Allowed: codes and numbers (GZ-2026-00001, GZ-R00003: any word holding a digit), the abbreviations a
station writes in Latin letters (ALLOWED), the language switch's "English", and what people typed (names,
places, notes of the demo: all Chinese). Also refused: an internal key in parentheses, "(month_change:...)".
"""

import csv
import io
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from shelter.models import User

pytestmark = pytest.mark.django_db(transaction=False)

# Latin abbreviations a Chinese civil servant writes as they are.
ALLOWED = {"PDF", "XLSX", "CSV", "JPEG", "PNG", "MB", "TOTP", "DNA", "ID", "SMS", "QQ", "IP", "GZ", "FS", "ENGLISH", "T", "X"}
USERNAMES = set()  # log-in names are Latin by nature (filled from the demo)
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_.:@/\-]*")
INTERNAL_KEY = re.compile(r"\b[a-z]+_[a-z_]+:[a-z_]+\b|\([a-z_]+:")
# Links not to follow: leaving, changing something with a GET, the admin (English on purpose), the media.
SKIP = re.compile(r"^/(accounts/logout|admin/|i18n/|static/|media/)|/image/|/audio/")
TEXT_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class Reader(HTMLParser):
    """The text a reader sees (and hears: titles, placeholders, labels), and the links of a page."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "option" and attrs.get("lang") == "en":
            return
        self.text += [attrs[a] for a in TEXT_ATTRIBUTES if attrs.get(a)]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.text.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def latin_words(text):
    """{word: the words around it} of the Latin words a Chinese reader should not meet in `text`."""
    found = {}
    for match in LATIN.finditer(text):
        word = match.group().strip(".:/-")
        before = text[match.start() - 1:match.start()]
        if not word or any(c.isdigit() for c in word) or word.upper() in ALLOWED or "@" in word:
            continue
        if "/" in match.group() or "." in word or before and (before in "/.@-_?&=" or before.isdigit()):
            continue  # an address, a file name, a seat (05车12F), a code
        if word in USERNAMES:
            continue
        found.setdefault(word, text[max(0, match.start() - 30):match.end() + 30].replace("\n", " "))
    for match in INTERNAL_KEY.finditer(text):
        found.setdefault(f"key {match.group()}", text[max(0, match.start() - 30):match.end() + 30])
    return found


def text_of(response):
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in kind:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages), []
    if "spreadsheet" in kind:
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None), []
    if "csv" in kind:
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        if response.get("Content-Disposition", "").find("audit.csv") >= 0:
            rows = [row[:-1] for row in rows]  # the audit log's detail: the record's parameters, as stored (JSON)
        return "\n".join(" ".join(row) for row in rows), []
    if "html" in kind:
        reader = Reader()
        reader.feed(body.decode())
        return "\n".join(reader.text), reader.links
    return "", []


def kind_of(path):
    """One page of each kind: /people/12/ and /people/13/ are the same page."""
    return re.sub(r"\d+", "N", path)


def crawl(client, start, limit=400):
    seen, found, queue = set(), {}, list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        kind = kind_of(path) + ("?" + kind_of(urlsplit(url).query) if urlsplit(url).query else "")
        if kind in seen or SKIP.search(path):
            continue
        seen.add(kind)
        response = client.get(url)
        if response.status_code != 200:
            continue
        text, links = text_of(response)
        words = latin_words(text)
        if words:
            found[url] = words
        for link in links:
            link = urldefrag(link)[0]
            if link.startswith("/") and not link.startswith("//"):
                queue.append(link)
            elif link.startswith("?"):
                queue.append(path + link)
    return found, seen


@pytest.mark.parametrize("username", ["gz-supervisor", "gz-station_head", "inspector", "gz-reception"])
def test_every_page_pdf_and_export_of_the_demo_is_in_chinese(demo, client, username):
    USERNAMES.update(User.objects.values_list("username", flat=True))
    client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = "zh-hans"
    start = ["/", *demo.supervisor_pages().values(), *demo.reception_pages().values(), "/audit/"]
    found, seen = crawl(client, start)
    assert len(seen) > 20
    assert found == {}, "\n".join(f"{url}: {word} in «{around}»" for url, words in found.items()
                                   for word, around in words.items())

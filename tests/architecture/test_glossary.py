"""One Chinese term per thing (issue 25; docs/glossary.md): no catalogue or template uses a word the
glossary bans, and no English text is translated two ways in two catalogues (Django would show one app's
and lose the other's meaning)."""

import collections
import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ["locale", "shelter", "accounts", "backups", "face", "tracing", "family", "oversight"]


def banned_words():
    """{banned word: the term to use} from the glossary's table."""
    banned = {}
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2] and cells[2] != "not" and not cells[2].startswith("-"):
            for word in re.split(r"[,，、]\s*", cells[2]):
                banned[word] = cells[1]
    return banned


def catalogue(app):
    folder = ROOT / app / "locale" if app != "locale" else ROOT / "locale"
    with open(folder / "zh_Hans" / "LC_MESSAGES" / "django.mo", "rb") as f:
        return gettext.GNUTranslations(f)._catalog


def chinese_texts():
    """(where, text) of every Chinese text a station reads: the catalogues' translations and the
    templates' own words."""
    for app in CATALOGUES:
        for key, text in catalogue(app).items():
            if key:
                yield f"{app} catalogue: {key if isinstance(key, str) else key[0]!r}", text
    for template in ROOT.glob("*/templates/**/*.html"):
        if ".venv" not in template.parts:
            yield str(template.relative_to(ROOT)), template.read_text(encoding="utf-8")


def test_the_glossary_bans_words():
    assert banned_words()["主照片"] == "主人像" and len(banned_words()) >= 8


def test_no_banned_word_is_used():
    banned = banned_words()
    found = sorted({f"{where}: {word} (say {banned[word]})" for where, text in chinese_texts()
                    for word in banned if word in text})
    assert found == []


def test_the_check_finds_a_banned_word(tmp_path):
    banned = banned_words()
    assert [w for w in banned if w in "此人尚无主照片"] == ["主照片"]


def test_no_english_text_is_translated_two_ways():
    """A text with two meanings gets a context (pgettext); one with one meaning one translation."""
    seen = collections.defaultdict(dict)
    for app in CATALOGUES:
        for key, text in catalogue(app).items():
            if key and isinstance(key, str):  # plural forms aside
                seen[key][app] = text
    assert {key: apps for key, apps in seen.items() if len(set(apps.values())) > 1} == {}

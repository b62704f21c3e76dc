"""Chinese first: every text the code and the templates show has its Chinese translation, and none is a
fuzzy guess (which gettext would not use). The catalogues are made again from the code, in a copy of the
tree, and read with gettext's own tools."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["shelter", "accounts", "backups", "face", "tracing", "family", "oversight", "notices", "exchange"]
NEEDED = ("xgettext", "msgattrib", "msgmerge")


def catalogue_problems(po):
    """msgids (besides the header) that are untranslated or fuzzy."""
    found = []
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(["msgattrib", flag, "--no-obsolete", "--no-location", str(po)], capture_output=True,
                             text=True, check=True).stdout
        found += [line for line in out.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    return found


@pytest.mark.skipif(any(shutil.which(tool) is None for tool in NEEDED), reason="GNU gettext is not installed")
def test_every_text_has_its_chinese_translation(tmp_path):
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "static", "media", "faces")
    for name in [*APPS, "config", "lib", "templates", "locale"]:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=ignore)
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    manage = [sys.executable, str(tmp_path / "manage.py"), "makemessages", "-l", "zh_Hans", "-v", "0"]
    env = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "config.settings"}
    problems = {}
    for app in APPS:
        subprocess.run(manage, cwd=tmp_path / app, env=env, check=True, capture_output=True)
        problems[app] = catalogue_problems(tmp_path / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    subprocess.run([*manage, *[f"--ignore={app}/*" for app in APPS]], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    problems["templates and lib"] = catalogue_problems(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert {where: found for where, found in problems.items() if found} == {}


def test_the_check_finds_an_untranslated_text(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Register arrival"\nmsgstr "入站登记"\n\nmsgid "Transfers"\nmsgstr ""\n\n'
                  '#, fuzzy\nmsgid "The month"\nmsgstr "月份"\n', encoding="utf-8")
    assert catalogue_problems(po) == ['msgid "Transfers"', 'msgid "The month"']

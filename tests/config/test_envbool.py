"""A yes/no setting from the environment reads the words it knows and refuses any other: DEBUG=ture
stops the start, it is not read as "no" (nor a typo in SECURE_SSL_REDIRECT as "off")."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import envbool

ROOT = Path(__file__).resolve().parents[2]


def settings_in(**env):
    """Import the settings in a fresh interpreter with `env` over the current environment."""
    environment = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    environment.update(SECRET_KEY=secrets.token_urlsafe(50), **env)
    return subprocess.run([sys.executable, "-c", "import config.settings as s; print('DEBUG', s.DEBUG)"], cwd=ROOT,
                          env=environment, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)


def test_a_word_it_does_not_know_stops_the_start():
    result = settings_in(DEBUG="ture")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DEBUG='ture'" in result.stderr
    assert "DEBUG True" not in result.stdout and "DEBUG False" not in result.stdout


@pytest.mark.parametrize("value, debug", [("1", True), ("0", False)])
def test_the_settings_read_the_words_they_know(value, debug):
    result = settings_in(DEBUG=value)
    assert result.returncode == 0, result.stderr
    assert f"DEBUG {debug}" in result.stdout


@pytest.mark.parametrize("value, read", [
    ("1", True), ("true", True), ("True", True), (" yes ", True), ("on", True),
    ("0", False), ("false", False), ("FALSE", False), ("no", False), ("off", False), ("", False),
])
def test_the_words_it_knows(monkeypatch, value, read):
    monkeypatch.setenv("SOME_SWITCH", value)
    assert envbool("SOME_SWITCH", not read) is read


def test_unset_is_the_default(monkeypatch):
    monkeypatch.delenv("SOME_SWITCH", raising=False)
    assert envbool("SOME_SWITCH", True) is True and envbool("SOME_SWITCH", False) is False


@pytest.mark.parametrize("value", ["ture", "y", "2", "enabled", "nein"])
def test_any_other_word_is_refused(monkeypatch, value):
    monkeypatch.setenv("SOME_SWITCH", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_SWITCH"):
        envbool("SOME_SWITCH", False)

"""Safe to run for real: production settings pass Django's deploy check, refuse a published key, and
the defaults show no debug page; every page carries a content security policy without inline script."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def example_environment(**changes):
    """The production example (deploy/env.example) as the environment, over a clean one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DEBUG", "SECRET", "SECURE"))}
    for line in (ROOT / "deploy" / "env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _sep, value = line.partition("=")
            env[name] = value
    env.update(changes)
    return env


def manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


def test_the_deploy_check_is_clean_with_the_production_example(tmp_path):
    env = example_environment(SECRET_KEY=secrets.token_urlsafe(50), VAR_DIR=str(tmp_path))
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_example_key(tmp_path):
    result = manage("check", env=example_environment(VAR_DIR=str(tmp_path)))
    assert result.returncode != 0 and "SECRET_KEY is a published example" in result.stderr


def test_without_settings_debug_is_off_and_the_key_is_this_machines_own(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    code = "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY)"
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.split()
    again = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.split()
    key = (tmp_path / "secret_key").read_text().strip()
    assert first == ["False", key] and len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # its owner's only
    assert again == first  # made once, then kept


@pytest.mark.parametrize("url", ["/accounts/login/", "/people/"])
def test_every_page_forbids_inline_script(client_as, reception, url):
    response = client_as(reception).get(url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_inline_script_or_handlers():
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text()
        for marker in ("onclick=", "onload=", "onchange=", "onsubmit=", "javascript:"):
            if marker in text:
                offenders.append((path.name, marker))
        for chunk in text.split("<script")[1:]:
            if "src=" not in chunk.split(">")[0]:
                offenders.append((path.name, "<script> without src"))
    assert offenders == []


def test_the_notice_prints_without_inline_script(client_as, reception, stay):
    page = client_as(reception).get(reverse("tracing:notice", args=[stay.tracing_case.pk])).content.decode()
    assert "data-print" in page and "js/print.js" in page and "onclick" not in page


def test_the_embedded_broker_folders_exist_wherever_the_app_starts(tmp_path):
    """seed_demo or a shell before `make run`: a task queued then must not fail for a missing folder."""
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, check=True)
    assert (tmp_path / "celery" / "queue").is_dir() and (tmp_path / "celery" / "processed").is_dir()

"""The links in e-mails and SMS follow the host `make run` serves (issue 25): SITE_URL, unless set, is
http://$(HOST), in the environment of both the web server and the worker."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None or shutil.which("bash") is None, reason="needs make and bash")
def test_make_run_gives_the_served_host_to_the_links():
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    recipe = subprocess.run(["make", "-n", "run", "HOST=192.168.1.5:9000"], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=True).stdout
    line = next(line for line in recipe.splitlines() if "SITE_URL=" in line)
    said = subprocess.run(["bash", "-c", line.strip().rstrip("\\").strip() + ' echo "$SITE_URL"'], env=env,
                          capture_output=True, text=True, check=True).stdout.strip()
    assert said == "http://192.168.1.5:9000"
    kept = subprocess.run(["bash", "-c", line.strip().rstrip("\\").strip() + ' echo "$SITE_URL"'],
                          env={**env, "SITE_URL": "https://homeward.example"}, capture_output=True, text=True,
                          check=True).stdout.strip()
    assert kept == "https://homeward.example"

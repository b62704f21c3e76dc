"""The README shows what the site looks like: three screenshots of the demo in Chinese, committed under
docs/screenshots, each a real PNG no larger than 1280x800 and kept small."""

import re
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_shows_three_screenshots_of_the_demo():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## What it looks like" in readme
    section = readme.split("## What it looks like", 1)[1].split("\n## ", 1)[0]
    shots = re.findall(r"!\[[^\]]+\]\((docs/screenshots/[\w-]+\.png)\)", section)
    assert len(shots) == 3
    for shot in shots:
        path = ROOT / shot
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width <= 1280 and image.height <= 800, shot
        assert path.stat().st_size < 300_000, shot

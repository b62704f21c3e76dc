"""The supervisor's board, the people list, a person's file, a case, a family report and a portrait on
a phone (390 x 844 CSS pixels, an iPhone 12-15): the page never scrolls sideways; wide tables scroll
inside themselves."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.records import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_board_and_the_files_fit_a_phone(demo, desk_browser, live_server, language):
    page = desk_browser("gz-supervisor", language, width=390, height=844)
    pages = demo.supervisor_pages()
    widths = {}
    for name in ("board", "people", "person", "case", "report", "portrait"):
        page.goto(live_server.url + pages[name])
        expect(page.locator("main h1").first).to_be_visible()
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
    assert {name: width for name, width in widths.items() if width > 390} == {}
    # The board's long tables are still all there, to be scrolled within their card.
    page.goto(live_server.url + pages["board"])
    assert page.locator("table.deadline-list").count() >= 3
    assert page.evaluate("Math.max(...Array.from(document.querySelectorAll('table.deadline-list'))"
                         ".map(t => t.scrollWidth))") > 390

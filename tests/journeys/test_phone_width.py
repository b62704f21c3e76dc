"""The main pages on a phone (390 x 844 CSS pixels, an iPhone 12-15; issue 25): the page never scrolls
sideways; the menu folds behind one button; below 600 px the deadline board's rows are cards, the
deadline, the time left and the one action first, all within the screen."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.records import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_main_pages_fit_a_phone(demo, desk_browser, live_server, language):
    page = desk_browser("gz-supervisor", language, width=390, height=844)
    pages = demo.supervisor_pages()
    pages["capture"] = demo.reception_pages()["capture"]
    widths = {}
    for name in ("board", "people", "person", "case", "report", "portrait", "capture", "month"):
        page.goto(live_server.url + pages[name])
        expect(page.locator("main h1").first).to_be_visible()
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
    assert {name: width for name, width in widths.items() if width > 390} == {}

    # The menu is one button; pressed, it shows the links, none broken inside a word.
    page.goto(live_server.url + pages["board"])
    assert not page.is_visible("header.top nav")
    assert page.evaluate("document.querySelector('header.top').getBoundingClientRect().height") < 200
    page.click("label.menu-button")
    assert page.is_visible("header.top nav")
    links = page.locator("header.top nav a")
    heights = [links.nth(i).bounding_box()["height"] for i in range(links.count())]
    assert max(heights) < 2 * min(heights)  # one line each

    # The board's rows are cards: no table scrolls sideways, each card's action is on screen, after the
    # deadline and the time left.
    assert page.locator("table.deadline-list").count() >= 3
    assert page.evaluate("Math.max(...Array.from(document.querySelectorAll('table.deadline-list'))"
                         ".map(t => t.scrollWidth - t.clientWidth))") <= 0
    card = page.locator("table.deadline-list tbody tr").first
    due, left, act = (card.locator(f"td.{name}").bounding_box() for name in ("due", "left", "act"))
    assert act["x"] + act["width"] <= 390 and due["y"] <= act["y"] and left["y"] <= act["y"]
    assert card.locator("td.act a").is_visible()

"""The demo's main pages checked by axe-core (Deque's accessibility engine, vendored in tests/vendor) in a
real browser, in Chinese and in English: no violation of impact "serious" or "critical" (missing labels,
unreadable contrast, unnamed links, no page language...).

axe is injected with Playwright's add_script_tag, which adds an inline <script>: the site's content
security policy forbids inline script (as it should), so this test's browser context alone bypasses the
CSP (bypass_csp=True). Every other browser test runs under the real policy."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.records import CHROMIUM

AXE = Path(__file__).parent.parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]


def axe_violations(page):
    """[(rule id, impact, first elements)] of axe's violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' '))]);
    }""")
    return [tuple(v) for v in found]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_main_pages_have_no_serious_accessibility_violation(demo, desk_browser, live_server, language):
    blocking, seen = {}, {}
    login = desk_browser("gz-supervisor", language, bypass_csp=True)
    login.context.clear_cookies()
    login.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    login.goto(live_server.url + reverse("login"))
    visits = [("login", login)]
    supervisor = desk_browser("gz-supervisor", language, bypass_csp=True)
    visits += [(name, supervisor, path) for name, path in demo.supervisor_pages().items()]
    reception = desk_browser("gz-reception", language, bypass_csp=True)
    visits += [(name, reception, path) for name, path in demo.reception_pages().items()]
    for name, page, *path in visits:
        if path:
            response = page.goto(live_server.url + path[0])
            assert response.ok, (name, response.status)
        violations = axe_violations(page)
        seen[name] = [(rule, impact) for rule, impact, _ in violations]
        found = [v for v in violations if v[1] in BLOCKING]
        if found:
            blocking[name] = found
    print(f"axe-core on {len(visits)} pages ({language}): {seen}")
    assert blocking == {}

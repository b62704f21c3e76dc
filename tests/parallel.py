"""The order in which pytest-xdist hands out the tests (make test: -n auto --dist loadgroup).

The longest tests go first, so that they run beside the many short ones instead of ending the run on
one worker while the others have finished: those marked `redis` or `slow`, then the `browser` ones
(Chromium on a live server), then the rest in pytest-django's order (plain database tests,
transactional ones, the others). With --dist loadgroup the workers take them one by one, except a
group (marker xdist_group(name=...)), which runs on one worker, the largest group first.

The `redis` tests are one group: each starts a Redis server and a Celery worker with beat, and mostly
waits for beat's ticks, so one worker runs them one after the other while the others use the CPU
(two at once, on two busy cores, only wait longer for their ticks).

Without xdist (-n 0) the order is pytest-django's, as before.
"""

import pytest

FIRST = (("redis", "slow"), ("browser",))  # by marker, the longest first


def _rank(item):
    for rank, markers in enumerate(FIRST):
        if any(item.get_closest_marker(name) for name in markers):
            return rank
    return len(FIRST)


@pytest.hookimpl(wrapper=True)  # around the other plugins' hooks
def pytest_collection_modifyitems(config, items):
    worker = hasattr(config, "workerinput")  # an xdist worker (each orders the same collection alike)
    # Before xdist reads the groups:
    for item in items if worker else ():
        if item.get_closest_marker("redis") and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(name="redis"))
    result = yield
    # After pytest-django's ordering, which the sort keeps within a rank:
    if worker:
        items.sort(key=_rank)
    return result

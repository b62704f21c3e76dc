"""A paginator that counts no further than it must: over a province's register, COUNT(*) of a filtered
list (a subquery per file for the state of its latest stay) took seconds (bench_pages)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: beyond that the last page shown is the cap's and `capped` is True
    (the template writes "100+"); the rows of every page up to the cap are exact. `count_from`: the same
    rows asked in a shape the database counts faster (without what only the page shows)."""

    def __init__(self, object_list, per_page, cap=5_000, count_from=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.count_from = object_list if count_from is None else count_from

    @cached_property
    def count(self):
        # Without ORDER BY: which rows make up the first cap + 1 does not change how many there are.
        return self.count_from.order_by()[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap

    @cached_property
    def num_pages(self):
        return super().num_pages if not self.capped else self.cap // self.per_page

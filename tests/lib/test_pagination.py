"""A long list counts only as far as it must (lib.pagination.CappedPaginator)."""

from lib.pagination import CappedPaginator
from shelter.models import Person


def test_a_list_longer_than_the_cap_counts_to_the_cap_and_says_so(station):
    Person.objects.bulk_create(Person(station=station, file_no=f"T-{i}", name=f"人{i}") for i in range(7))
    people = Person.objects.order_by("pk")
    capped = CappedPaginator(people, 2, cap=4)
    assert (capped.count, capped.capped, capped.num_pages) == (5, True, 2)
    assert [p.name for p in capped.page(2)] == ["人2", "人3"]
    exact = CappedPaginator(people, 2, cap=100)
    assert (exact.count, exact.capped, exact.num_pages) == (7, False, 4)

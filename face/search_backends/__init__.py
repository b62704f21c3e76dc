"""Backends of face.search.nearest().

Each has search(query, k, scope, excluded_person_ids, filters) -> [(Portrait, distance)], nearest first
(ties by id), Portraits with person and station loaded; `scope` is a Portrait queryset with the filters,
`filters` the same filters as face.search.Filters when nothing else narrows `scope` (else None).
"""

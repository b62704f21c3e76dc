"""Backends of face.search.nearest(); each has search(query, k, scope, excluded_person_ids) -> [(id, distance)]."""

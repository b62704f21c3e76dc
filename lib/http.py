"""Responses that carry personal data."""


def private(response):
    """Personal data: browsers may keep it a little, shared caches never; never sniffed into another type."""
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response

"""Models of the tracing app (filled in by its issue)."""

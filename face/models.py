"""Models of the face app (filled in by its issue)."""

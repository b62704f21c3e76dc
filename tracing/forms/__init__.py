"""Tracing's forms, one module per screen (board, cases, reports, review), as its views."""

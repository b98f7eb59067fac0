"""Stage: search."""

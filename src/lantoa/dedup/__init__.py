"""Stage: dedup."""

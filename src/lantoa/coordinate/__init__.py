"""Stage: coordinate."""

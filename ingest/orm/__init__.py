"""Schemas declared in application code, read statically into the neutral model (nothing is run)."""

"""Schemas declared in application code (ORM models and migrations), read statically: nothing is run."""

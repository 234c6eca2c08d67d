"""Schemas declared in code: ORM models and migrations read statically into the neutral model."""

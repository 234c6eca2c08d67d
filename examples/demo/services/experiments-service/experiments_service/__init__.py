"""experiments-service: A/B tests, sticky assignments, events and feature flags."""

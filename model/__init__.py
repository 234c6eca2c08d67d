"""The neutral model: frozen dataclasses every source is read into (inventory) and name escaping (escape)."""

"""A unit's public registers and their records (unit schema)."""

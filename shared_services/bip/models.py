"""A unit's BIP (unit schema)."""

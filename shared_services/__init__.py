"""Services every unit gets from the platform, one Django app each, with tables in each unit's schema."""

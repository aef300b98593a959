"""Places of applications, letters and cases (unit schema)."""

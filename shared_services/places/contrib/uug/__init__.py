"""GUGiK's address geocoder, UUG (Usługa Geokodowania)."""

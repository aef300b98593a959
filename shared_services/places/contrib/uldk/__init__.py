"""GUGiK's parcel service, ULDK (Usługa Lokalizacji Działek Katastralnych)."""

"""A unit's service points (its office's addresses where residents are served), as the unit administrator types
them on the branding page: one a line, "name; address; latitude, longitude". The home page lists them and draws
them on a map; the coordinates are typed, not looked up, so the list never waits for a geocoder."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SERVICE_POINTS_AT_MOST = 20
_COORDINATES = re.compile(r"\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*")


@dataclass(frozen=True)
class ServicePoint:
    name: str
    address: str
    lat: float
    lon: float

    def feature(self) -> dict:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": {"label": self.name, "details": [self.address]},
        }


def service_points_parse(text: str) -> list[ServicePoint]:
    """The service points of the text; ValidationError naming the line that cannot be read."""
    points = []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > SERVICE_POINTS_AT_MOST:
        raise ValidationError(_("At most %(limit)s service points."), params={"limit": SERVICE_POINTS_AT_MOST})
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.split(";")]
        coordinates = _COORDINATES.fullmatch(parts[-1]) if len(parts) == 3 else None
        if not coordinates or not parts[0] or not parts[1]:
            raise ValidationError(
                _(
                    'Line %(number)s: write "name; address; latitude, longitude", e.g. '
                    '"Biuro Obsługi Mieszkańców; ul. Wały gen. Sikorskiego 8, Toruń; 53.0107, 18.6053".'
                ),
                params={"number": number},
            )
        lat, lon = float(coordinates[1]), float(coordinates[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(
                _("Line %(number)s: the latitude is from -90 to 90 and the longitude from -180 to 180."),
                params={"number": number},
            )
        points.append(ServicePoint(name=parts[0], address=parts[1], lat=lat, lon=lon))
    return points


def validate_service_points(text: str) -> None:
    service_points_parse(text)

"""ULDK's protocol (https://uldk.gugik.gov.pl/opis.html): GET requests with `request=`, plain-text answers.

    GET {ULDK_URL}?request=GetParcelById&id=046301_1.0012.123/4&result=geom_wkt,teryt,voivodeship,county,commune,region,parcel&srid=2180
    0
    SRID=2180;POLYGON((473479.08 571688.33,…))|046301_1.0012.123/4|kujawsko-pomorskie|Toruń|Toruń|Toruń-Starówka|123/4

The first line is the status: `0` found, `-1 brak wyników` nothing found (other `-1 …` texts are errors of the
request); the second holds the fields asked for, separated by `|`, in the order asked. The geometry is asked for in
EPSG:2180, the service's own system, and transformed here: that way no answer's axis order is in doubt."""

from dataclasses import dataclass

import requests

RESULT_FIELDS = ("geom_wkt", "teryt", "voivodeship", "county", "commune", "region", "parcel")
MAX_ANSWER_BYTES = 4 * 1024 * 1024


class UldkUnavailable(Exception):
    """No answer, an HTTP error, or text that is not ULDK's protocol."""


class UldkRefused(Exception):
    """ULDK answered `-1` with something other than "no results": the request itself is wrong."""


@dataclass(frozen=True)
class UldkParcel:
    wkt: str  # EWKT, SRID=2180
    teryt: str
    voivodeship: str
    county: str
    commune: str
    region: str
    parcel: str


def answer_parse(text: str) -> UldkParcel | None:
    """The parcel of an answer to a request for RESULT_FIELDS; None for "no results"."""
    lines = text.strip("\ufeff").splitlines()
    if not lines:
        raise UldkUnavailable("an empty answer")
    status = lines[0].strip()
    if status.startswith("-1"):
        message = status[2:].strip()
        if message.lower().startswith("brak wyników") or message.lower().startswith("brak wynikow"):
            return None
        raise UldkRefused(message[:200] or "-1")
    if status != "0" or len(lines) < 2:
        raise UldkUnavailable(f"not ULDK's answer: {status[:50]!r}")
    fields = lines[1].split("|")
    if len(fields) != len(RESULT_FIELDS):
        raise UldkUnavailable(f"{len(fields)} fields, not {len(RESULT_FIELDS)}")
    return UldkParcel(*(field.strip() for field in fields))


class UldkClient:
    def __init__(self, base_url: str, *, timeout: float = 10.0, session: requests.Session | None = None):
        self.base_url = base_url
        self.timeout = timeout
        self.session = session or requests.Session()

    def _get(self, params: dict) -> str:
        try:
            response = self.session.get(self.base_url, params=params, timeout=(3.05, self.timeout), stream=True)
            if response.status_code != 200:
                raise UldkUnavailable(f"HTTP {response.status_code}")
            body = response.raw.read(MAX_ANSWER_BYTES + 1, decode_content=True)
        except requests.RequestException as error:
            raise UldkUnavailable(type(error).__name__) from error
        if len(body) > MAX_ANSWER_BYTES:
            raise UldkUnavailable("the answer is too large")
        return body.decode(response.encoding or "utf-8", errors="replace")

    def parcel_by_id(self, identifier: str) -> UldkParcel | None:
        return answer_parse(
            self._get({"request": "GetParcelById", "id": identifier, "result": ",".join(RESULT_FIELDS), "srid": "2180"})
        )

    def parcel_by_xy(self, easting: float, northing: float) -> UldkParcel | None:
        """The parcel at a PUWG 1992 point (x = easting, y = northing)."""
        return answer_parse(
            self._get(
                {
                    "request": "GetParcelByXY",
                    "xy": f"{easting:.2f},{northing:.2f},2180",
                    "result": ",".join(RESULT_FIELDS),
                    "srid": "2180",
                }
            )
        )

"""A development parcel service that speaks GUGiK's ULDK protocol, and a geocoder in the shape of GUGiK's UUG,
for tests and `make run` (neither GUGiK service is reachable from development and CI machines).

ULDK (https://uldk.gugik.gov.pl/opis.html; shared/research/spatial.md): `GET /?request=GetParcelById&id=…
&result=geom_wkt,teryt,…&srid=2180|4326` and `GetParcelByXY&xy=x,y[,srid]`. The answer is plain text: the
status line `0` when found, `-1 brak wyników` when not, then one line of the requested fields separated by `|`,
in the order asked, the geometry as EWKT `SRID=2180;POLYGON((x y,…))`.

The geocoder: `GET /uug/?request=GetAddress&address=Toruń, Wały gen. Sikorskiego 8` → JSON with `results`
keyed "1"…"N" (city, street, number, teryt, x, y in EPSG:2180, accuracy), `"found objects"`, or `results: null`.

An outage is switched on and off by tests (`server.outage = True`) or over HTTP (`POST /__dev__/outage` with
`on` or `off`): every request then gets 503, as when the real service is down. Hand-written on the standard
library, like devp24: it runs in the test process and in `make run`, its state in memory. It is NOT GUGiK's
service and knows only the parcels of data.py."""

import itertools
import json
import threading
import unicodedata
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .data import ADDRESSES, PARCELS

FIELDS = (
    "geom_wkt",
    "geom_extent",
    "teryt",
    "id",
    "voivodeship",
    "county",
    "commune",
    "region",
    "parcel",
    "datasource",
)
NOT_FOUND = "-1 brak wyników\n"


def _inside(x: float, y: float, ring: list) -> bool:
    """Ray casting: whether (x, y) lies within the closed ring."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _ring_in(ring: list, srid: int) -> list:
    if srid == 2180:
        return ring
    from pyproj import Transformer  # only for answers in WGS 84

    transformer = Transformer.from_crs("EPSG:2180", "EPSG:4326", always_xy=True)
    return [transformer.transform(x, y) for x, y in ring]


def _field(parcel, name: str, srid: int) -> str:
    if name == "geom_wkt":
        ring = _ring_in(parcel.ring, srid)
        digits = 2 if srid == 2180 else 7
        return f"SRID={srid};POLYGON((" + ",".join(f"{x:.{digits}f} {y:.{digits}f}" for x, y in ring) + "))"
    if name == "geom_extent":
        ring = _ring_in(parcel.ring, srid)
        xs, ys = [x for x, _ in ring], [y for _, y in ring]
        return f"{min(xs)},{min(ys)},{max(xs)},{max(ys)}"
    if name in ("teryt", "id"):
        return parcel.identifier
    if name == "parcel":
        return parcel.number
    if name == "datasource":
        return "devuldk"
    return getattr(parcel, name)


def _simple(text: str) -> str:
    """Lower case without diacritics, dots or commas: how addresses are compared."""
    text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L")).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace(",", " ").replace(".", " ").split())


class DevUldkServer:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, quiet: bool = True):
        self.outage = False
        self.requests: list[str] = []  # the query strings received, for tests
        self.quiet = quiet
        self._httpd = ThreadingHTTPServer((host, port), self._handler())
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def geocoder_url(self) -> str:
        return f"{self.base_url}uug/"

    def start(self) -> "DevUldkServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- the protocol --------------------------------------------------------------------------------------

    def uldk(self, query: dict) -> str:
        request = query.get("request", "")
        fields = [name for name in query.get("result", "geom_wkt").split(",") if name]
        if any(name not in FIELDS for name in fields):
            return "-1 błędny parametr result\n"
        try:
            srid = int(query.get("srid", "2180"))
        except ValueError:
            return "-1 błędny parametr srid\n"
        if srid not in (2180, 4326):
            return "-1 nieobsługiwany układ współrzędnych\n"
        if request == "GetParcelById":
            parcel = next((parcel for parcel in PARCELS if parcel.identifier == query.get("id", "")), None)
        elif request == "GetParcelByXY":
            parcel = self._parcel_at(query.get("xy", ""))
        else:
            return "-1 nieznane żądanie\n"
        if parcel is None:
            return NOT_FOUND
        return "0\n" + "|".join(_field(parcel, name, srid) for name in fields) + "\n"

    def _parcel_at(self, xy: str):
        parts = xy.split(",")
        try:
            x, y = float(parts[0]), float(parts[1])
            srid = int(parts[2]) if len(parts) > 2 else 2180
        except (ValueError, IndexError):
            return None
        if srid == 4326:
            from pyproj import Transformer

            x, y = Transformer.from_crs("EPSG:4326", "EPSG:2180", always_xy=True).transform(x, y)
        return next((parcel for parcel in PARCELS if _inside(x, y, parcel.ring)), None)

    def geocode(self, query: dict) -> dict:
        wanted = _simple(query.get("address", ""))
        results = {}
        for address in ADDRESSES:
            full = _simple(f"{address.city} {address.street} {address.number}")
            if wanted and (wanted == full or wanted == _simple(f"{address.street} {address.number} {address.city}")):
                results[str(len(results) + 1)] = {
                    "city": address.city,
                    "street": address.street,
                    "number": address.number,
                    "code": address.postal_code,
                    "teryt": address.teryt,
                    "x": f"{address.x:.2f}",
                    "y": f"{address.y:.2f}",
                    "accuracy": "1",
                }
        return {
            "type": "address",
            "found objects": len(results),
            "returned objects": len(results),
            "results": results or None,
        }

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                if not server.quiet:
                    super().log_message(format, *args)

            def _send(self, status: int, body: str, content_type: str = "text/plain; charset=utf-8") -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                server.requests.append(parts.query)
                if server.outage:
                    self._send(503, "Service Unavailable\n")
                elif parts.path == "/":
                    self._send(200, server.uldk(query))
                elif parts.path == "/uug/":
                    self._send(200, json.dumps(server.geocode(query), ensure_ascii=False), "application/json")
                else:
                    self._send(404, "Not Found\n")

            def do_POST(self):
                if self.path != "/__dev__/outage":
                    self._send(404, "Not Found\n")
                    return
                length = min(int(self.headers.get("Content-Length") or 0), 16)
                server.outage = self.rfile.read(length).decode(errors="replace").strip() == "on"
                self._send(200, "on\n" if server.outage else "off\n")

        return Handler


def start_dev_uldk(*, port: int = 0) -> DevUldkServer:
    """A running server on 127.0.0.1 (a free port unless given); stop() it when done."""
    return DevUldkServer(port=port).start()

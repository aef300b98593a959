"""Request/response plumbing shared by the OIDC and admin handlers (standard library only)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qs


@dataclass
class Request:
    method: str
    path: str  # without the leading slash and without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    base_url: str

    def q(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def q_bool(self, name: str, default: bool | None = None) -> bool | None:
        value = self.q(name)
        if value is None or value == "":
            return default
        return value.lower() == "true"

    def q_int(self, name: str, default: int | None = None) -> int | None:
        value = self.q(name)
        try:
            return int(value) if value not in (None, "") else default
        except ValueError:
            return default

    def form(self) -> dict[str, str]:
        # python-keycloak's KeycloakOpenID.logout() and introspect() post a urlencoded body while the
        # session may still announce application/json, so the body is parsed as a form whatever the header says.
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def json(self):
        if not self.body.strip():
            return None
        return json.loads(self.body)

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is ignored, as browsers do
            return {}
        return {k: m.value for k, m in jar.items()}

    def bearer(self) -> str | None:
        auth = self.headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            return auth[7:].strip()
        return None


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(status: int, data, headers=None) -> Response:
    body = json.dumps(data, ensure_ascii=False).encode()
    return Response(
        status, body, [("Content-Type", "application/json"), ("Cache-Control", "no-cache"), *(headers or [])]
    )


def html_response(status: int, html: str, headers=None) -> Response:
    return Response(
        status,
        html.encode(),
        [
            ("Content-Type", "text/html;charset=utf-8"),
            ("Cache-Control", "no-store, must-revalidate, max-age=0"),
            *(headers or []),
        ],
    )


def empty(status: int = 204, headers=None) -> Response:
    return Response(status, b"", list(headers or []))


def redirect(location: str, headers=None) -> Response:
    return Response(302, b"", [("Location", location), *(headers or [])])


def oauth_error(status: int, error: str, description: str | None = None, headers=None) -> Response:
    body = {"error": error}
    if description is not None:
        body["error_description"] = description
    return json_response(status, body, headers)

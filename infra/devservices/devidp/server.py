"""A development/test identity provider that speaks Keycloak 26's protocol, for tests and `make run`.

Keycloak itself cannot run on the development machines; the platform signs people in through Keycloak (OIDC)
and provisions units through its admin REST API with python-keycloak. No library offers a Keycloak-compatible
server, so this one is hand-written on the standard library's ThreadingHTTPServer, with joserfc for RS256/HS512
JWTs. Paths, parameters, representations and error bodies follow Keycloak 26 (see infra/keycloak/README.md).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import pages
from .admin import Admin
from .http import Request, Response, html_response, json_response
from .oidc import OIDC
from .store import DEFAULT_REALM_FILE, Store


class DevIdp:
    """A running development identity provider (see start_dev_idp)."""

    def __init__(self, store: Store, httpd: ThreadingHTTPServer, thread: threading.Thread, host: str):
        self.store = store
        self._httpd = httpd
        self._thread = thread
        self.host = host
        self.port = httpd.server_address[1]
        self.base_url = f"http://{host}:{self.port}/"
        self.oidc = OIDC(store, lambda: self.base_url)
        self.admin = Admin(self.oidc)

    @property
    def realm(self) -> str:
        return self.store.realm_name

    @property
    def issuer(self) -> str:
        return self.oidc.issuer

    @property
    def sent_emails(self) -> list[dict]:
        return self.store.sent_emails

    @property
    def signing_key(self):
        """The realm's private RS256 key (joserfc RSAKey); `.as_dict(private=True)` gives the JWK."""
        return self.store.rsa_key

    def client_secret(self, client_id: str) -> str | None:
        client = self.store.client_by_client_id(client_id)
        return client.get("secret") if client else None

    def issue_token(self, claims: dict, key=None, headers=None) -> str:
        """An RS256 access token of this realm (exp/iat/jti/iss/typ filled in unless given)."""
        return self.oidc.issue_token(claims, key=key, headers=headers)

    def add_user(self, user: dict) -> dict:
        with self.store.lock:
            u = self.store.add_demo_user(user)
            self.store.save()
            return u

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _make_handler(idp_ref: list):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in separate writes: without TCP_NODELAY, Nagle's algorithm and the client's
        # delayed ACK hold every keep-alive response back ~40 ms.
        disable_nagle_algorithm = True
        server_version = "ratusz-devidp"
        sys_version = ""

        def log_message(self, fmt, *args):  # quiet; tests and `make run` do not need an access log
            pass

        def _handle(self):
            idp: DevIdp = idp_ref[0]
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            req = Request(
                method=self.command,
                path=parts.path.lstrip("/"),
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                base_url=idp.base_url,
            )
            try:
                resp = route(idp, req)
            except Exception as e:  # a bug here must show up as Keycloak's generic 500, not a dropped connection
                import traceback

                traceback.print_exc()
                resp = json_response(
                    500,
                    {
                        "error": "unknown_error",
                        "error_description": f"For more on this error consult the server log. ({e})",
                    },
                )
            self.send_response(resp.status)
            for k, v in resp.headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(resp.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    return Handler


def route(idp: DevIdp, req: Request) -> Response:
    realm_prefix = f"realms/{idp.realm}/"
    path = req.path
    if idp.admin.handles(path):
        return idp.admin.dispatch(req)
    if path.startswith("realms/") and not path.startswith(realm_prefix) and path.rstrip("/") != f"realms/{idp.realm}":
        return json_response(404, {"error": "Realm does not exist"})
    sub = path[len(realm_prefix) :] if path.startswith(realm_prefix) else None
    o = idp.oidc
    table = {
        (".well-known/openid-configuration", "GET"): o.discovery,
        ("protocol/openid-connect/certs", "GET"): o.certs,
        ("protocol/openid-connect/auth", "GET"): o.auth,
        ("login-actions/authenticate", "POST"): o.authenticate,
        ("protocol/openid-connect/token", "POST"): o.token,
        ("protocol/openid-connect/userinfo", "GET"): o.userinfo,
        ("protocol/openid-connect/userinfo", "POST"): o.userinfo,
        ("protocol/openid-connect/token/introspect", "POST"): o.introspect,
        ("protocol/openid-connect/logout", "GET"): o.logout,
        ("protocol/openid-connect/logout", "POST"): o.logout,
        ("protocol/openid-connect/logout/logout-confirm", "POST"): o.logout,
    }
    if sub is not None:
        handler = table.get((sub.rstrip("/") if sub.endswith("/") and sub != "/" else sub, req.method))
        if handler is not None:
            return handler(req)
        if any(k[0] == sub for k in table):
            return json_response(405, {"error": "HTTP 405 Method Not Allowed"})
        if (sub == "" and req.method == "GET") or path.rstrip("/") == f"realms/{idp.realm}":
            key = idp.signing_key.as_dict(private=False)
            return json_response(
                200,
                {
                    "realm": idp.realm,
                    "token-service": f"{idp.issuer}/protocol/openid-connect",
                    "account-service": f"{idp.issuer}/account",
                    "tokens-not-before": 0,
                    "public_key": key["n"],
                },
            )
    if path in ("", "health", "health/ready"):
        return json_response(200, {"status": "UP"})
    return html_response(404, pages.error_page("Page not found"))


def start_dev_idp(
    *,
    realm_file=DEFAULT_REALM_FILE,
    users=(),
    port: int = 0,
    host: str = "127.0.0.1",
    state_path=None,
    redirect_uris=None,
    post_logout_uris=None,
) -> DevIdp:
    """Start the identity provider on host:port (0 = any free port) in a daemon thread and return it."""
    store = Store(
        realm_file=realm_file,
        state_path=state_path,
        users=users,
        redirect_uris=redirect_uris,
        post_logout_uris=post_logout_uris,
    )
    ref: list = []
    httpd = ThreadingHTTPServer((host, port), _make_handler(ref))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="devidp", daemon=True)
    idp = DevIdp(store, httpd, thread, host)
    ref.append(idp)
    thread.start()
    return idp

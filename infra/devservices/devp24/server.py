"""A development payment gateway that behaves like Przelewy24's REST API v1, for tests and `make run`.

Przelewy24's sandbox is not reachable from development and CI machines, so this server implements what
the platform relies on, as documented (shared/research/protocols.md §1): Basic auth with the POS id and API
key (401 JSON otherwise), the sign rules (400 JSON in P24's error shape for a wrong sign), tokens and the
`/trnRequest/{token}` page, notifications POSTed to `urlStatus` after a payment, mandatory verify, retries
of unverified notifications, transactions by session, refunds and refund notifications.

Hand-written on the standard library (ThreadingHTTPServer): it must run in the test process and in
`make run` with nothing installed, keep its state in memory, and let tests reach into it (drop a
notification to simulate a lost one, replay one, deliver pending ones at a chosen moment) — no maintained
Przelewy24 mock offers that. It is NOT Przelewy24: its page says so, and it never handles real money.
"""

import base64
import hashlib
import hmac
import html
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def sign_of(fields: dict) -> str:
    return hashlib.sha384(json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()


REGISTER = ("sessionId", "merchantId", "amount", "currency")
VERIFY = ("sessionId", "orderId", "amount", "currency")
NOTIFICATION = (
    "merchantId",
    "posId",
    "sessionId",
    "amount",
    "originAmount",
    "currency",
    "orderId",
    "methodId",
    "statement",
)
REFUND_NOTIFICATION = ("orderId", "sessionId", "refundsUuid", "merchantId", "amount", "currency", "status")


@dataclass
class Transaction:
    token: str
    register: dict
    order_id: int | None = None
    status: str = "new"  # new, paid (awaiting verify), verified, cancelled
    refunded: int = 0
    notification: dict | None = None
    deliveries: int = 0
    next_retry: int = 0  # index into the retry intervals
    retry_at: float | None = None
    refunds: list = field(default_factory=list)


@dataclass
class Delivery:
    url: str
    body: dict
    status: int | None = None
    error: str = ""


def _post_json(url: str, body: dict, timeout: float = 15) -> int:
    """POST JSON to the platform. `*.localhost` names are this machine (RFC 6761), whatever the resolver
    says, so unit subdomains work without /etc/hosts; the Host header keeps the name."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    target = url
    headers = {"Content-Type": "application/json"}
    if host == "localhost" or host.endswith(".localhost"):
        netloc = f"127.0.0.1:{parts.port}" if parts.port else "127.0.0.1"
        target = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        headers["Host"] = parts.netloc
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(target, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class DevP24Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        *,
        merchant_id: int,
        pos_id: int | None = None,
        crc: str,
        api_key: str,
        host: str = "127.0.0.1",
        port: int = 0,
        retry_intervals: tuple[float, ...] = (),
        auto_deliver_refunds: bool = False,
        quiet: bool = True,
    ):
        super().__init__((host, port), _Handler)
        self.merchant_id, self.pos_id = int(merchant_id), int(pos_id or merchant_id)
        self.crc, self.api_key, self.quiet = crc, api_key, quiet
        # P24 retries after 3, 5, 15, 30, 60, 150 and 450 minutes; tests give seconds (or none, and call
        # `redeliver_unverified` themselves).
        self.retry_intervals = tuple(retry_intervals)
        self.auto_deliver_refunds = auto_deliver_refunds
        self.lock = threading.RLock()
        self.transactions: dict[str, Transaction] = {}  # by token
        self.order_ids = itertools.count(4_295_000_000)  # beyond int32, as the docs warn
        self.deliveries: list[Delivery] = []
        self.pending: list[tuple[str, dict]] = []  # refund notifications not yet sent
        self.drop_next = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._retrier: threading.Thread | None = None

    # --- Lifecycle -----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "DevP24Server":
        self._thread = threading.Thread(target=self.serve_forever, name="dev-p24", daemon=True)
        self._thread.start()
        if self.retry_intervals or self.auto_deliver_refunds:
            self._retrier = threading.Thread(target=self._retry_loop, name="dev-p24-retries", daemon=True)
            self._retrier.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.shutdown()
        self.server_close()

    # --- Hooks for tests -----------------------------------------------------------------------------

    def drop_next_notification(self, count: int = 1) -> None:
        """The next `count` payment notifications are lost (never sent): for reconciliation tests."""
        with self.lock:
            self.drop_next += count

    def transaction_of(self, session_id: str) -> Transaction | None:
        with self.lock:
            return next((trn for trn in self.transactions.values() if trn.register["sessionId"] == session_id), None)

    def replay_notification(
        self, session_id: str, *, to: str | None = None, changes: dict | None = None, resign: bool = True
    ) -> int:
        """POST the session's payment notification again (to its urlStatus or `to`), optionally changed
        (re-signed with the merchant's CRC unless `resign` is False); returns the HTTP status."""
        trn = self.transaction_of(session_id)
        body = dict(trn.notification or self._notification(trn))
        if changes:
            body.update(changes)
            if resign:
                body["sign"] = sign_of({**{name: body[name] for name in NOTIFICATION}, "crc": self.crc})
        return self._deliver(to or trn.register["urlStatus"], body)

    def redeliver_unverified(self) -> int:
        """Send again the notifications of paid, unverified transactions (what P24's retries do)."""
        with self.lock:
            due = [trn for trn in self.transactions.values() if trn.status == "paid" and trn.notification]
        for trn in due:
            self._deliver(trn.register["urlStatus"], trn.notification)
            trn.deliveries += 1
        return len(due)

    def deliver_pending(self) -> int:
        """Send the refund notifications waiting to go out."""
        with self.lock:
            pending, self.pending = self.pending, []
        for url, body in pending:
            self._deliver(url, body)
        return len(pending)

    def pay(self, token: str) -> str:
        """What the Pay button does; returns urlReturn."""
        with self.lock:
            trn = self.transactions[token]
            if trn.status == "new":
                trn.order_id, trn.status = next(self.order_ids), "paid"
                trn.notification = self._notification(trn)
                if self.retry_intervals:
                    trn.retry_at = time.monotonic() + self.retry_intervals[0]
            drop = self.drop_next > 0
            if drop:
                self.drop_next -= 1
        if not drop and trn.status == "paid" and trn.register.get("urlStatus"):
            self._deliver(trn.register["urlStatus"], trn.notification)
            trn.deliveries += 1
        return trn.register["urlReturn"]

    def cancel(self, token: str) -> str:
        with self.lock:
            trn = self.transactions[token]
            if trn.status == "new":
                trn.status = "cancelled"
        return trn.register["urlReturn"]

    # --- Internals -----------------------------------------------------------------------------------

    def _notification(self, trn: Transaction) -> dict:
        body = {
            "merchantId": self.merchant_id,
            "posId": self.pos_id,
            "sessionId": trn.register["sessionId"],
            "amount": trn.register["amount"],
            "originAmount": trn.register["amount"],
            "currency": trn.register["currency"],
            "orderId": trn.order_id,
            "methodId": 25,
            "statement": f"p24-DEV-{trn.order_id}",
        }
        body["sign"] = sign_of({**{name: body[name] for name in NOTIFICATION}, "crc": self.crc})
        return body

    def _deliver(self, url: str, body: dict) -> int:
        record = Delivery(url=url, body=body)
        try:
            record.status = _post_json(url, body)
        except OSError as error:
            record.error = f"{type(error).__name__}: {error}"
        with self.lock:
            self.deliveries.append(record)
        if not self.quiet:
            print(f"notification to {url}: {record.status or record.error}", flush=True)
        return record.status or 0

    def _retry_loop(self) -> None:
        while not self._stopping.wait(0.2):
            now = time.monotonic()
            with self.lock:
                due = [
                    trn
                    for trn in self.transactions.values()
                    if trn.status == "paid" and trn.retry_at is not None and trn.retry_at <= now
                ]
                for trn in due:
                    trn.next_retry += 1
                    trn.retry_at = (
                        now + self.retry_intervals[trn.next_retry]
                        if trn.next_retry < len(self.retry_intervals)
                        else None
                    )
            for trn in due:
                self._deliver(trn.register["urlStatus"], trn.notification)
                trn.deliveries += 1
            if self.auto_deliver_refunds:
                self.deliver_pending()

    def refund_notification(self, trn: Transaction, request: dict, item: dict) -> dict:
        body = {
            "orderId": trn.order_id,
            "sessionId": trn.register["sessionId"],
            "merchantId": self.merchant_id,
            "requestId": request["requestId"],
            "refundsUuid": request["refundsUuid"],
            "amount": item["amount"],
            "currency": trn.register["currency"],
            "timestamp": int(time.time()),
            "status": 0,
        }
        body["sign"] = sign_of({**{name: body[name] for name in REFUND_NOTIFICATION}, "crc": self.crc})
        return body


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — Development payment gateway</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}}
.warning{{border:3px solid #8a1c00;padding:.5rem 1rem}}button{{font-size:1.1rem;padding:.5rem 1.2rem;margin-right:1rem}}
a.skip{{position:absolute;left:-999px}}a.skip:focus{{left:1rem}}</style></head>
<body><a class="skip" href="#main">Skip to main content</a>
<main id="main"><h1>Development payment gateway — not Przelewy24</h1>
<p class="warning">This page stands in for Przelewy24 in development and tests. No money is moved.</p>
{body}</main></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    server: DevP24Server
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes: without TCP_NODELAY, Nagle's algorithm and the client's
    # delayed ACK hold every keep-alive response back ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        if not self.server.quiet:
            super().log_message(format, *args)

    # --- Plumbing ---

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, content) -> None:
        self._send(status, json.dumps(content, ensure_ascii=False).encode(), "application/json")

    def _error(self, status: int, message) -> None:
        self._json(status, {"error": message, "code": status})

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _json_body(self):
        try:
            value = json.loads(self._body() or b"{}")
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        expected = base64.b64encode(f"{self.server.pos_id}:{self.server.api_key}".encode()).decode()
        if header.startswith("Basic ") and hmac.compare_digest(header[6:].strip(), expected):
            return True
        self._error(401, "Incorrect authentication")
        return False

    def _sign_ok(self, body: dict, names) -> bool:
        if any(name not in body for name in names) or not isinstance(body.get("sign"), str):
            self._error(400, "Invalid input data")
            return False
        expected = sign_of({**{name: body[name] for name in names}, "crc": self.server.crc})
        if not hmac.compare_digest(body["sign"], expected):
            self._error(400, "Incorrect sign")
            return False
        return True

    # --- Routes ---

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/trnRequest/"):
            return self._page(path.removeprefix("/trnRequest/"))
        if not path.startswith("/api/v1/"):
            return self._error(404, "Not found")
        if not self._authorised():
            return
        route = path.removeprefix("/api/v1/")
        if route == "testAccess":
            return self._json(200, {"data": True, "error": ""})
        if route.startswith("transaction/by/sessionId/"):
            session_id = urllib.parse.unquote(route.removeprefix("transaction/by/sessionId/"))
            trn = self.server.transaction_of(session_id)
            if trn is None:
                return self._error(404, "Transaction does not exist")
            status = {"new": 0, "cancelled": 0, "paid": 1, "verified": 2}[trn.status]
            if trn.status == "verified" and trn.refunded >= trn.register["amount"]:
                status = 3
            register = trn.register
            return self._json(
                200,
                {
                    "data": {
                        "statement": f"p24-DEV-{trn.order_id}" if trn.order_id else "",
                        "orderId": trn.order_id,
                        "sessionId": session_id,
                        "status": status,
                        "amount": register["amount"],
                        "currency": register["currency"],
                        "date": "",
                        "dateOfTransaction": "",
                        "clientEmail": register.get("email", ""),
                        "accountMD5": "",
                        "paymentMethod": 25,
                        "description": register.get("description", ""),
                        "clientName": "",
                        "clientAddress": "",
                        "clientCity": "",
                        "clientPostcode": "",
                        "batchId": 0,
                        "fee": "0",
                    },
                    "responseCode": 0,
                },
            )
        if route.startswith("refund/by/orderId/"):
            order_id = int(route.removeprefix("refund/by/orderId/") or 0)
            trn = next((t for t in self.server.transactions.values() if t.order_id == order_id), None)
            if trn is None:
                return self._error(404, "Transaction does not exist")
            return self._json(
                200,
                {
                    "data": {
                        "orderId": order_id,
                        "sessionId": trn.register["sessionId"],
                        "amount": trn.register["amount"],
                        "currency": trn.register["currency"],
                        "refunds": trn.refunds,
                    },
                    "responseCode": 0,
                },
            )
        return self._error(404, "Not found")

    def do_PUT(self):
        path = urllib.parse.urlsplit(self.path).path
        if path != "/api/v1/transaction/verify":
            return self._error(404, "Not found")
        if not self._authorised():
            return
        body = self._json_body()
        if body is None:
            return self._error(400, "Invalid input data")
        if not self._sign_ok(body, VERIFY):
            return
        with self.server.lock:
            trn = self.server.transaction_of(body["sessionId"])
            if (
                trn is None
                or trn.order_id != body["orderId"]
                or trn.register["amount"] != body["amount"]
                or trn.register["currency"] != body["currency"]
                or body.get("merchantId") != self.server.merchant_id
                or body.get("posId") != self.server.pos_id
                or trn.status not in ("paid", "verified")
            ):
                return self._error(400, "Transaction verification failed")
            trn.status, trn.retry_at = "verified", None
        return self._json(200, {"data": {"status": "success"}, "responseCode": 0})

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/trnRequest/"):
            return self._page_action(path.removeprefix("/trnRequest/"))
        if path == "/api/v1/transaction/register":
            return self._register()
        if path == "/api/v1/transaction/refund":
            return self._refund()
        return self._error(404, "Not found")

    def _register(self):
        if not self._authorised():
            return
        body = self._json_body()
        required = (
            "merchantId",
            "posId",
            "sessionId",
            "amount",
            "currency",
            "description",
            "email",
            "country",
            "language",
            "urlReturn",
            "sign",
        )
        if body is None or any(name not in body for name in required):
            return self._error(400, "Invalid input data")
        if not self._sign_ok(body, REGISTER):
            return
        if (
            body["merchantId"] != self.server.merchant_id
            or body["posId"] != self.server.pos_id
            or not isinstance(body["amount"], int)
            or body["amount"] <= 0
            or len(body["sessionId"]) > 100
        ):
            return self._error(400, "Invalid input data")
        with self.server.lock:
            if self.server.transaction_of(body["sessionId"]) is not None:
                return self._error(400, "sessionId already used")
            token = uuid.uuid4().hex[:35].upper()
            self.server.transactions[token] = Transaction(token=token, register=body)
        return self._json(200, {"data": {"token": token}, "responseCode": 0})

    def _refund(self):
        if not self._authorised():
            return
        body = self._json_body()
        if body is None or not all(name in body for name in ("requestId", "refunds", "refundsUuid")):
            return self._error(400, "Invalid input data")
        results, notifications = [], []
        with self.server.lock:
            for item in body["refunds"]:
                trn = self.server.transaction_of(str(item.get("sessionId")))
                ok = (
                    trn is not None
                    and trn.order_id == item.get("orderId")
                    and trn.status == "verified"
                    and isinstance(item.get("amount"), int)
                    and item["amount"] > 0
                    and trn.refunded + item["amount"] <= trn.register["amount"]
                )
                results.append({**item, "status": ok, "message": "success" if ok else "Refund not possible"})
                if ok:
                    trn.refunded += item["amount"]
                    trn.refunds.append(
                        {
                            "amount": item["amount"],
                            "status": 0,
                            "requestId": body["requestId"],
                            "refundsUuid": body["refundsUuid"],
                        }
                    )
                    if body.get("urlStatus"):
                        notifications.append((body["urlStatus"], self.server.refund_notification(trn, body, item)))
            if not all(result["status"] for result in results):
                return self._json(400, {"error": results, "code": 400})
            self.server.pending.extend(notifications)  # sent later, as P24 does, never inside this request
        return self._json(201, {"data": results, "responseCode": 0})

    # --- The payment page ---

    def _page(self, token: str):
        trn = self.server.transactions.get(token)
        if trn is None:
            return self._send(
                404,
                PAGE.format(title="Unknown transaction", body="<p>No such transaction.</p>").encode(),
                "text/html; charset=utf-8",
            )
        register = trn.register
        amount = f"{register['amount'] // 100},{register['amount'] % 100:02d} {html.escape(register['currency'])}"
        if trn.status != "new":
            body = f"<p>This transaction is {html.escape(trn.status)}.</p>"
            body += f'<p><a href="{html.escape(register["urlReturn"])}">Back to the shop</a></p>'
        else:
            body = (
                f"<dl><dt>Description</dt><dd>{html.escape(register['description'])}</dd>"
                f"<dt>Amount</dt><dd>{amount}</dd><dt>Session</dt><dd>{html.escape(register['sessionId'])}</dd></dl>"
                f'<form method="post"><button type="submit" name="action" value="pay" id="pay">Pay</button>'
                f'<button type="submit" name="action" value="cancel" id="cancel">Cancel</button></form>'
            )
        self._send(200, PAGE.format(title="Payment", body=body).encode(), "text/html; charset=utf-8")

    def _page_action(self, token: str):
        if token not in self.server.transactions:
            return self._error(404, "Transaction does not exist")
        form = urllib.parse.parse_qs(self._body().decode())
        action = (form.get("action") or [""])[0]
        url = self.server.pay(token) if action == "pay" else self.server.cancel(token)
        self._send(303, b"", "text/plain", {"Location": url})


def start_dev_p24(
    *,
    merchant_id: int = 100001,
    pos_id: int | None = None,
    crc: str = "dev-crc-key",
    api_key: str = "dev-api-key",
    port: int = 0,
    **options,
) -> DevP24Server:
    """Start the gateway on 127.0.0.1 in background threads; `.base_url`, `.stop()`."""
    return DevP24Server(merchant_id=merchant_id, pos_id=pos_id, crc=crc, api_key=api_key, port=port, **options).start()

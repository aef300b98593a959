"""A client of Przelewy24's REST API v1 (register, verify, find by session, refund, test access) and the
sign rules of its messages.

The sign of a message is SHA-384 (hex) of the JSON of some of its fields, in a fixed order, with the
merchant's CRC key appended as "crc" — JSON as PHP's json_encode(JSON_UNESCAPED_UNICODE |
JSON_UNESCAPED_SLASHES) writes it: compact, raw UTF-8 (Polish letters unescaped), "/" unescaped, numbers as
numbers. `json.dumps(..., separators=(",", ":"), ensure_ascii=False)` is exactly that (Python never
escapes "/"). tests/payments/test_przelewy24_client.py pins the library's published test vectors.
"""

import hashlib
import hmac
import json
import logging

import requests
import urllib3

logger = logging.getLogger(__name__)

REGISTER_FIELDS = ("sessionId", "merchantId", "amount", "currency")
VERIFY_FIELDS = ("sessionId", "orderId", "amount", "currency")
NOTIFICATION_FIELDS = (
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
REFUND_NOTIFICATION_FIELDS = ("orderId", "sessionId", "refundsUuid", "merchantId", "amount", "currency", "status")
TIMEOUT = (5, 20)  # seconds to connect, to read


def sign_of(fields: dict) -> str:
    """SHA-384 of the fields' canonical JSON, in the order given (the caller appends "crc" last)."""
    return hashlib.sha384(json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode("utf-8")).hexdigest()


def message_sign(message: dict, names: tuple[str, ...], crc: str) -> str:
    return sign_of({**{name: message[name] for name in names}, "crc": crc})


def sign_matches(message: dict, names: tuple[str, ...], crc: str) -> bool:
    """Whether the message's "sign" is right; constant-time compare. A message missing a field never is."""
    given = message.get("sign")
    if not isinstance(given, str) or any(name not in message for name in names):
        return False
    return hmac.compare_digest(given.lower().encode(), message_sign(message, names, crc).encode())


def _never_connected(error: requests.RequestException) -> bool:
    """A connection refused or not made: requests wraps urllib3's MaxRetryError, whose reason tells."""
    wrapped = error.args[0] if error.args else None
    return isinstance(getattr(wrapped, "reason", wrapped), urllib3.exceptions.NewConnectionError)


class P24Error(Exception):
    """Przelewy24 refused a call or could not be reached; `status` is the HTTP status (None: no answer)."""

    def __init__(self, message: str, *, status: int | None = None, body=None, sent: bool = True):
        super().__init__(message)
        self.status, self.body, self.sent = status, body, sent

    @property
    def unreachable(self) -> bool:
        """No answer, or a failure of Przelewy24's own."""
        return self.status is None or self.status >= 500

    @property
    def may_have_been_done(self) -> bool:
        """The request left, and no answer says it was refused: Przelewy24 may have carried it out."""
        return self.sent and self.unreachable


class Przelewy24Client:
    """One merchant's access to one Przelewy24 environment. `base_url` is the host's root, e.g.
    https://sandbox.przelewy24.pl; the API is under /api/v1/ and the payment page under /trnRequest/."""

    def __init__(self, *, merchant_id: int, pos_id: int, crc: str, api_key: str, base_url: str, timeout=TIMEOUT):
        self.merchant_id, self.pos_id, self.crc = int(merchant_id), int(pos_id), crc
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.auth = (str(self.pos_id), api_key)  # Basic auth: POS id and the API (reports) key

    def _call(self, method: str, path: str, body: dict | None = None, *, ok=(200,)) -> dict:
        url = f"{self.base_url}/api/v1/{path}"
        try:
            response = self.session.request(method, url, json=body, timeout=self.timeout)
        except requests.RequestException as error:
            # No connection at all (refused, not resolved, connect timeout): the request never left.
            sent = not isinstance(error, requests.ConnectTimeout) and not _never_connected(error)
            raise P24Error(f"Przelewy24 could not be reached: {type(error).__name__}", sent=sent) from error
        try:
            content = response.json()
        except ValueError:
            content = None
        if response.status_code not in ok:
            detail = content.get("error") if isinstance(content, dict) else response.text[:200]
            raise P24Error(
                f"Przelewy24 answered {response.status_code}: {detail}", status=response.status_code, body=content
            )
        if not isinstance(content, dict):
            raise P24Error("Przelewy24 answered with something other than JSON", status=response.status_code)
        return content

    def test_access(self) -> bool:
        return self._call("GET", "testAccess").get("data") is True

    def register(
        self,
        *,
        session_id: str,
        amount: int,
        currency: str,
        description: str,
        email: str,
        url_return: str,
        url_status: str,
        language: str = "pl",
        time_limit: int = 15,
    ) -> str:
        """Register a transaction; returns its token (the payment page is gateway_url(token))."""
        body = {
            "merchantId": self.merchant_id,
            "posId": self.pos_id,
            "sessionId": session_id,
            "amount": amount,
            "currency": currency,
            "description": description[:1024],
            "email": email[:50],
            "country": "PL",
            "language": language,
            "urlReturn": url_return,
            "urlStatus": url_status,
            "timeLimit": time_limit,
            "encoding": "UTF-8",
        }
        body["sign"] = message_sign(body, REGISTER_FIELDS, self.crc)
        token = (self._call("POST", "transaction/register", body).get("data") or {}).get("token")
        if not token:
            raise P24Error("Przelewy24 registered the transaction without a token")
        return token

    def gateway_url(self, token: str) -> str:
        return f"{self.base_url}/trnRequest/{token}"

    def verify(self, *, session_id: str, order_id: int, amount: int, currency: str) -> bool:
        """Confirm a notified payment (mandatory: an unverified payment never reaches the merchant)."""
        body = {
            "merchantId": self.merchant_id,
            "posId": self.pos_id,
            "sessionId": session_id,
            "amount": amount,
            "currency": currency,
            "orderId": order_id,
        }
        body["sign"] = message_sign(body, VERIFY_FIELDS, self.crc)
        answer = self._call("PUT", "transaction/verify", body)
        return (answer.get("data") or {}).get("status") == "success"

    def transaction_by_session(self, session_id: str) -> dict | None:
        """The transaction's data (`status`: 0 no payment, 1 advance payment, 2 paid, 3 returned); None when
        Przelewy24 does not know the session."""
        try:
            return self._call("GET", f"transaction/by/sessionId/{requests.utils.quote(session_id, safe='')}")["data"]
        except P24Error as error:
            if error.status == 404:
                return None
            raise

    def refund(
        self,
        *,
        request_id: str,
        refunds_uuid: str,
        url_status: str,
        order_id: int,
        session_id: str,
        amount: int,
        description: str,
    ) -> dict:
        body = {
            "requestId": request_id,
            "refundsUuid": refunds_uuid,
            "urlStatus": url_status,
            "refunds": [
                {
                    "orderId": order_id,
                    "sessionId": session_id,
                    "amount": amount,
                    "description": description[:100] or "Zwrot",
                }
            ],
        }
        answer = self._call("POST", "transaction/refund", body, ok=(200, 201))
        items = answer.get("data") or []
        if not items or not items[0].get("status"):
            raise P24Error(
                f"Przelewy24 refused the refund: {items[0].get('message') if items else answer}",
                status=200,
                body=answer,
            )
        return items[0]

    def refunds_of_order(self, order_id: int) -> list[dict]:
        """The refunds Przelewy24 knows of for an order (`requestId`, `amount`, `status`…); [] for an unknown one."""
        try:
            data = self._call("GET", f"refund/by/orderId/{int(order_id)}").get("data") or {}
        except P24Error as error:
            if error.status == 404:
                return []
            raise
        return data.get("refunds") or []

    def notification_valid(self, message: dict) -> bool:
        return sign_matches(message, NOTIFICATION_FIELDS, self.crc)

    def refund_notification_valid(self, message: dict) -> bool:
        return sign_matches(message, REFUND_NOTIFICATION_FIELDS, self.crc)

import getpass
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who performs an operator action, for the audit log."""

    label: str
    user: object | None = None
    ip_address: str | None = None

    @classmethod
    def from_request(cls, request) -> "Actor":
        # REMOTE_ADDR is the client, or the ingress when behind one (which then sets it from X-Forwarded-For).
        return cls(label=request.user.get_username(), user=request.user, ip_address=request.META.get("REMOTE_ADDR"))

    @classmethod
    def command_line(cls) -> "Actor":
        return cls(label=f"manage.py ({getpass.getuser()})")

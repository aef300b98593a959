import getpass
from dataclasses import dataclass


def person_label(user) -> str:
    """How the log names a person: the e-mail Keycloak gave (people read it), else the account's name."""
    return user.email or user.get_username()


@dataclass(frozen=True)
class Actor:
    """Who performs an operator action, for the audit log."""

    label: str
    user: object | None = None
    ip_address: str | None = None

    @classmethod
    def from_request(cls, request) -> "Actor":
        # REMOTE_ADDR is the client, or the ingress when behind one (which then sets it from X-Forwarded-For).
        return cls(label=person_label(request.user), user=request.user, ip_address=request.META.get("REMOTE_ADDR"))

    @classmethod
    def command_line(cls) -> "Actor":
        return cls(label=f"manage.py ({getpass.getuser()})")

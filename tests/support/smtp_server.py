"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests of e-mail."""

import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class _Keeper:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class SmtpServer:
    def __init__(self):
        self.keeper = _Keeper()
        self.port = _free_port()  # aiosmtpd checks it is up by connecting, so it needs a port number first
        self.controller = Controller(self.keeper, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.keeper.messages


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

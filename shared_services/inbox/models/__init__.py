"""The unit's electronic inbox (each unit's schema).

A filed application (eforms.Submission), a resident's answer to the office's request and a letter that came on
paper or by e-mail enter the register of incoming correspondence under a number that is unique and gapless per
year, what came electronically with its official receipt (UPO), in the transaction that stores it. Work that
can wait (the receipt's PDF, e-mails) is written to the outbox in the same transaction and done by Celery.
The office's systems (EZD) read the register through the REST API with tokens kept here too.
"""

from .api import ApiScope, ApiToken
from .cases import Case, CaseNote, CaseStatus, SignCounter
from .outbox import PAYLOAD_SECRETS, OutboxMessage, OutboxStatus
from .register import Channel, EntryFile, EntryKind, Receipt, RegisterCounter, RegisterEntry

__all__ = [
    "PAYLOAD_SECRETS",
    "ApiScope",
    "ApiToken",
    "Case",
    "CaseNote",
    "CaseStatus",
    "Channel",
    "EntryFile",
    "EntryKind",
    "OutboxMessage",
    "OutboxStatus",
    "Receipt",
    "RegisterCounter",
    "RegisterEntry",
    "SignCounter",
]

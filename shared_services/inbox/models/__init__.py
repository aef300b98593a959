"""The unit's electronic inbox (each unit's schema).

A filed application (eforms.Submission) enters the register of incoming correspondence under a number that
is unique and gapless per year, with its official receipt (UPO), in the transaction that stores it. Work that
can wait (the receipt's PDF, e-mails) is written to the outbox in the same transaction and done by Celery.
The office's systems (EZD) read the register through the REST API with tokens kept here too.
"""

from .api import ApiScope, ApiToken
from .cases import Case, CaseNote, CaseStatus, SignCounter
from .outbox import OutboxMessage, OutboxStatus
from .register import Receipt, RegisterCounter, RegisterEntry

__all__ = [
    "ApiScope",
    "ApiToken",
    "Case",
    "CaseNote",
    "CaseStatus",
    "OutboxMessage",
    "OutboxStatus",
    "Receipt",
    "RegisterCounter",
    "RegisterEntry",
    "SignCounter",
]

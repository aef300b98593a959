"""What happened to a case, for the apps above the inbox that act on it (notifications). Sent inside the action's
transaction, so a receiver's writes (e.g. outbox messages) commit or roll back with the action itself."""

from django.dispatch import Signal

# case, assignee (a user), by (the user who assigned)
case_assigned = Signal()
# note: a CaseNote of kind request or reply, written by the office to the resident
office_wrote = Signal()
# case, entry: the resident's answer registered as incoming correspondence linked to the case
resident_answered = Signal()
# entry, case: an application filed electronically has entered the register and opened its case
application_received = Signal()
# entry, case: a letter that came on paper or by e-mail was registered and opened a new case
letter_registered = Signal()
# case: closed with its resolution
case_closed = Signal()

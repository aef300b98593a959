"""What happened to a payment, for the apps above payments that count it (usage indicators). Sent inside the
action's transaction, so a receiver's writes commit or roll back with the payment itself."""

from django.dispatch import Signal

# payment: a fee paid online, confirmed by its provider (not one paid at the office)
payment_paid = Signal()

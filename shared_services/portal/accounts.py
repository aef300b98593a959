"""Residents' accounts: Django accounts in the unit's schema (until Keycloak) whose user names carry a prefix,
so that a resident can never take the name a staff invitation will need, nor sign in as staff."""

from django.contrib.auth import get_user_model
from django.db import transaction

RESIDENT_PREFIX = "mieszkaniec:"


def resident_username(email: str) -> str:
    return RESIDENT_PREFIX + email.strip().lower()


def resident_exists(email: str) -> bool:
    return get_user_model().objects.filter(username=resident_username(email)).exists()


@transaction.atomic
def resident_register(*, email: str, password: str):
    """A new resident account; the caller has checked that the e-mail is free and the password acceptable."""
    return get_user_model().objects.create_user(resident_username(email), email.strip().lower(), password)

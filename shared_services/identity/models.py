"""The two short-lived records of a sign-in that crosses hosts (README, "Sign-in and roles", on callbacks).

Both live in the public schema: a sign-in starts on a unit's subdomain, its callback lands on the platform
domain, and it ends back on the subdomain. Each row is used once and deleted.
"""

from django.db import models

from platform_core.schema_marking import public_model

NEXT_PATH_MAX_LENGTH = 1000  # a longer `next` is not kept: the sign-in lands on the host's start page


@public_model
class PendingLogin(models.Model):
    """A sign-in sent to Keycloak and not yet back: what the callback needs to finish it."""

    state = models.CharField(max_length=64, unique=True)
    code_verifier = models.CharField(max_length=128)  # PKCE: never leaves the server
    nonce = models.CharField(max_length=64)
    return_host = models.CharField(max_length=255)  # host[:port] the sign-in started on
    next_path = models.CharField(max_length=NEXT_PATH_MAX_LENGTH)
    expires_at = models.DateTimeField(db_index=True)


@public_model
class LoginTicket(models.Model):
    """A checked sign-in handed from the callback to the host it started on; single use, valid seconds."""

    ticket_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=64)  # binds the ticket to the browser that started the sign-in
    return_host = models.CharField(max_length=255)
    next_path = models.CharField(max_length=NEXT_PATH_MAX_LENGTH)
    claims = models.JSONField()
    id_token = models.TextField()
    refresh_token = models.TextField(blank=True)
    access_expires_at = models.DateTimeField()
    refresh_expires_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

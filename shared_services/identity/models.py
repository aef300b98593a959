"""The two short-lived records of a sign-in that crosses hosts (see README, "Sign-in and callbacks").

Both live in the public schema: a sign-in starts on a unit's subdomain, its callback lands on the platform
domain, and it ends back on the subdomain. Each row is used once and deleted.
"""

from django.db import models

from platform_core.schema_marking import public_model


@public_model
class PendingLogin(models.Model):
    """A sign-in sent to Keycloak and not yet back: what the callback needs to finish it."""

    state = models.CharField(max_length=64, unique=True)
    code_verifier = models.CharField(max_length=128)  # PKCE: never leaves the server
    nonce = models.CharField(max_length=64)
    return_host = models.CharField(max_length=255)  # host[:port] the sign-in started on
    next_path = models.CharField(max_length=1000)
    scope = models.CharField(max_length=200)
    expires_at = models.DateTimeField(db_index=True)


@public_model
class LoginTicket(models.Model):
    """A checked sign-in handed from the callback to the host it started on; single use, valid seconds."""

    ticket_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=64)  # binds the ticket to the browser that started the sign-in
    return_host = models.CharField(max_length=255)
    next_path = models.CharField(max_length=1000)
    claims = models.JSONField()
    id_token = models.TextField()
    refresh_token = models.TextField(blank=True)
    access_expires_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

"""Project core: settings, URL routing, Celery app, WSGI/ASGI and middleware.

Named `platform_core`, not `platform`: `platform` is a standard-library module imported by Celery,
sentry-sdk and requests, and a project package of that name would shadow it.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]

"""The shared cache's configuration from CACHE_URL: Redis reads and writes JSON, never pickles.

Django's Redis backend pickles every value but integers, and unpickling runs whatever the pickle says: whoever can
write to the Redis (another deployment sharing it, anything holding its password) could run code in every web
worker. So a `redis://` or `rediss://` CACHE_URL always selects Django's own backend (whatever else is installed:
django-environ would prefer django-redis, which pickles too) with `JSONSerializer`. What must also be trusted, not
merely harmless, is signed on top (platform_core/signed_cache.py).
"""

import json
import logging

import environ

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
REDIS_SCHEMES = ("redis", "rediss")

logger = logging.getLogger(__name__)


class JSONSerializer:
    """The contract of Django's RedisSerializer in JSON: integers stay Redis integers (so `incr` is atomic),
    everything else is JSON. A value that is neither, e.g. a pickle someone planted, reads as a miss."""

    def dumps(self, value):
        if type(value) is int:  # not bool: JSON keeps True apart from 1
            return value
        return json.dumps(value, separators=(",", ":")).encode()

    def loads(self, data):
        try:
            return int(data)
        except ValueError:
            pass
        try:
            return json.loads(data)
        except ValueError:
            logger.warning("a cache value that is not JSON was ignored")
            return None


def cache_from_url(url: str) -> dict:
    """Django's CACHES entry for `url` (django-environ's URL forms), Redis through JSONSerializer."""
    if url.split(":", 1)[0] in REDIS_SCHEMES:
        config = environ.Env.cache_url_config(url, backend=REDIS_BACKEND)
        config.setdefault("OPTIONS", {})["serializer"] = f"{__name__}.{JSONSerializer.__qualname__}"
        return config
    return environ.Env.cache_url_config(url)

"""gunicorn's settings in the image (`gunicorn -c python:platform_core.gunicorn_conf platform_core.wsgi`), each from
an environment variable the chart sets (docs/deployment.md).

Pre-fork sync workers: a request holds one database connection for its whole life, and a unit's schema is chosen
per connection, so a worker per request in flight is the simple and safe shape. What a worker's connections keep
of the units they served is bounded by CONN_MAX_SCHEMAS and CONN_MAX_PER_THREAD (platform_core/db_backend/), and
it is what makes a unit's next request cheap: a worker is recycled only after GUNICORN_MAX_REQUESTS requests, a
guard against leaks, long enough that a worker serving the country's 2,807 units meets few of them cold.
"""

import os
from pathlib import Path

from platform_core.metrics import MULTIPROCESS_DIR_VARIABLE, multiprocess_dir_reset

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Kubernetes sends SIGTERM and waits terminationGracePeriodSeconds (the chart: this plus 10 s).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Longer than the ingress controller keeps idle upstream connections (ingress-nginx: 60 s), so gunicorn never
# closes one the controller is about to reuse.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Whose X-Forwarded-Proto gunicorn believes; REMOTE_ADDR is set by platform_core/proxy.py from TRUSTED_PROXIES.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Heartbeat files in memory, not on the (read-only, or emptyDir on disk) filesystem.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
# Each request is logged by RequestLogMiddleware as JSON, with its unit and request id.
# gunicorn 24+ opens a control socket in $HOME, which the image's user has not (and the root filesystem is
# read-only); a pod is managed by Kubernetes, not by gunicornc.
control_socket_disable = True
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def on_starting(server):
    multiprocess_dir_reset()


def child_exit(server, worker):
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

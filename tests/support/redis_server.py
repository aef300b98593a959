"""A Redis server of the test's own on 127.0.0.1 (Debian's `redis-server`), empty and keeping nothing on disk,
or the one `RATUSZ_TEST_REDIS_URL` names."""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_server():
    """Yields the server's URL (database 0)."""
    given = os.environ.get("RATUSZ_TEST_REDIS_URL")
    if given:
        yield given
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server (apt-get install redis-server) or RATUSZ_TEST_REDIS_URL")
    port = _free_port()
    arguments = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _attempt in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            raise RuntimeError("redis-server did not start")
        client.close()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)

"""A real S3-protocol server on 127.0.0.1 for the object-storage tests: moto's server mode in a process of its own,
spoken to by boto3 over HTTP exactly as a production store would be (nothing of boto is patched).

`s3_server` (per session) starts it; `s3_storage` (per test) gives the test a bucket of its own and points the
platform's STORAGES at it, as STORAGE_BACKEND=s3 does (platform_core/storage_settings.py); `.objects()` lists what
the bucket holds. Processes a test starts (manage.py, a worker) get the same configuration from `.environment`.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from urllib.error import URLError
from urllib.request import urlopen

import boto3
import pytest

from platform_core.storage_settings import s3_storages

# Any credentials do for moto; boto3 reads them from the environment, as in production.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "ratusz-test", "AWS_SECRET_ACCESS_KEY": "ratusz-test-secret"}
REGION = "eu-central-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint URL of a moto server started for this test session."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    saved = {name: os.environ.get(name) for name in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    try:
        for _attempt in range(200):
            try:
                urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except (URLError, ConnectionError):
                if server.poll() is not None:
                    raise RuntimeError("the moto S3 server exited at start") from None
                time.sleep(0.05)
        else:
            raise RuntimeError("the moto S3 server did not start")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class S3Bucket:
    endpoint: str
    name: str

    @property
    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION)

    def objects(self, prefix: str = "") -> dict[str, bytes]:
        """Every object in the bucket (under `prefix`) with its content."""
        client = self.client
        keys = [
            item["Key"]
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
            for item in page.get("Contents", ())
        ]
        return {key: client.get_object(Bucket=self.name, Key=key)["Body"].read() for key in keys}

    @property
    def environment(self) -> dict[str, str]:
        """What a process started by the test needs to use this bucket (STORAGE_BACKEND=s3)."""
        return {
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": self.name,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": REGION,
            **CREDENTIALS,
        }


def s3_bucket_create(endpoint: str) -> S3Bucket:
    bucket = S3Bucket(endpoint=endpoint, name=f"ratusz-test-{uuid.uuid4().hex[:12]}")
    bucket.client.create_bucket(Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return bucket


@pytest.fixture
def s3_storage(s3_server, settings):
    """A bucket of this test's own, which the platform's storages use for the test."""
    bucket = s3_bucket_create(s3_server)
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(bucket=bucket.name, endpoint_url=s3_server, region_name=REGION),
    }
    return bucket

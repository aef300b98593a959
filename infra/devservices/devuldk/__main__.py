"""`python -m infra.devservices.devuldk --port 8191`: the development parcel service and geocoder in the
foreground (for `make run`). Point the platform at it with ULDK_URL=http://127.0.0.1:8191/ and
GEOCODER_URL=http://127.0.0.1:8191/uug/ (the launcher does)."""

import argparse
import signal
import threading

from .server import DevUldkServer


def main() -> None:
    parser = argparse.ArgumentParser(description="Development parcel service and geocoder (not GUGiK's).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8191)
    arguments = parser.parse_args()
    server = DevUldkServer(host=arguments.host, port=arguments.port, quiet=False)
    server.start()
    print(
        f"Development parcel service (not GUGiK's ULDK): {server.base_url}  geocoder: {server.geocoder_url}", flush=True
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    server.stop()


if __name__ == "__main__":
    main()

"""`python -m infra.devservices.devp24 --port 8190`: the development payment gateway in the foreground (for `make run`).

Configure a unit at /urzad/platnosci/ with the same merchant id, POS id, CRC and API key, and the gateway
address printed below as "Gateway address (development only)".
"""

import argparse
import signal
import threading

from .server import DevP24Server


def main() -> None:
    parser = argparse.ArgumentParser(description="Development payment gateway (not Przelewy24).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--merchant-id", type=int, default=100001)
    parser.add_argument("--pos-id", type=int, default=None)
    parser.add_argument("--crc", default="dev-crc-key")
    parser.add_argument("--api-key", default="dev-api-key")
    arguments = parser.parse_args()
    # P24's retry schedule (3, 5, 15, … minutes), shortened to seconds for development.
    server = DevP24Server(
        merchant_id=arguments.merchant_id,
        pos_id=arguments.pos_id,
        crc=arguments.crc,
        api_key=arguments.api_key,
        host=arguments.host,
        port=arguments.port,
        retry_intervals=(3, 5, 15, 30, 60, 150, 450),
        auto_deliver_refunds=True,
        quiet=False,
    )
    server.start()
    print(
        f"Development payment gateway (not Przelewy24): {server.base_url}  "
        f"merchant {server.merchant_id}, POS {server.pos_id}",
        flush=True,
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

"""`python -m infra.devservices.devidp --port 8180 [--state FILE] [--users FILE.json] [--redirect-uri URI ...] [--post-logout-uri URI ...]`

Runs the development identity provider in the foreground, prints its base URL and stops on SIGTERM or Ctrl-C.
"""

import argparse
import json
import signal
import sys
import threading

from .server import DEFAULT_REALM_FILE, start_dev_idp


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.devservices.devidp", description=__doc__.splitlines()[2])
    parser.add_argument("--port", type=int, default=8180)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--realm-file", default=str(DEFAULT_REALM_FILE))
    parser.add_argument("--state", help="JSON file keeping users, organizations, groups and keys between runs")
    parser.add_argument("--users", help="JSON file with a list of demo users")
    parser.add_argument("--redirect-uri", action="append", dest="redirect_uris")
    parser.add_argument("--post-logout-uri", action="append", dest="post_logout_uris")
    args = parser.parse_args(argv)
    users = []
    if args.users:
        with open(args.users, encoding="utf-8") as f:
            users = json.load(f)
    idp = start_dev_idp(
        realm_file=args.realm_file,
        users=users,
        port=args.port,
        host=args.host,
        state_path=args.state,
        redirect_uris=args.redirect_uris,
        post_logout_uris=args.post_logout_uris,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(idp.base_url, flush=True)
    print(
        f"realm {idp.realm}, issuer {idp.issuer} — development identity provider, not Keycloak",
        file=sys.stderr,
        flush=True,
    )
    stop.wait()
    idp.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

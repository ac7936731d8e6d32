"""Serve a class: `python -m deploy --replicas 2 --bind 0.0.0.0:8501`.

Starts that many `streamlit run app.py` processes on loopback, opens every page once on each (so
the first student does not pay for a cold server: imports, SymPy workers, caches), puts HAProxy
in front of them (deploy/replicas.py), prints the address, and stops them all on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading

from deploy.replicas import DeployError, replicas


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (also what the Dockerfile's CMD passes: tests/test_dockerfile.py)."""
    parser = argparse.ArgumentParser(
        prog="python -m deploy", description="The app on every core: Streamlit x N behind HAProxy."
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=os.cpu_count() or 1,
        help="Streamlit processes (default: one per core)",
    )
    parser.add_argument(
        "--bind", default="127.0.0.1:8501", help="where the class connects (host:port)"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 64:
        parser.error("--replicas must be 1 to 64")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with replicas(args.replicas, bind=args.bind, warmed=True) as cluster:
            pids = ", ".join(str(server.pid) for server in cluster.servers)
            print(f"Open {cluster.url} (Streamlit processes {pids}). Ctrl-C stops them.")
            with contextlib.suppress(KeyboardInterrupt):
                stop.wait()
    except DeployError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

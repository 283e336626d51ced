"""The baseline of bench_fake_list and bench_fake_view: a bare Flask app that returns a fixed
body.

Run as `python bare_flask_app.py BODY_FILE THREADS --fd N` (N: a listening socket it inherits,
as the fake does under the harness); it serves the body at every path under
/api/v2/ with the fake's content type, under waitress like the fake.
"""

from __future__ import annotations

import argparse
import logging
import socket
from pathlib import Path

import waitress
from flask import Flask, Response


def make_app(body: bytes) -> Flask:
    app = Flask("bare")

    @app.get("/api/v2/<path:anything>")
    def answer(anything: str) -> Response:
        return Response(body, content_type="application/json; charset=utf-8")

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="bare_flask_app.py")
    parser.add_argument("body_file", type=Path)
    parser.add_argument("threads", type=int)
    parser.add_argument("--fd", type=int, required=True)
    args = parser.parse_args()
    # As the fake does (its cli.py): under load waitress would log every queued task, which
    # would slow the baseline and flatter the fake.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    waitress.serve(
        make_app(args.body_file.read_bytes()),
        sockets=[socket.socket(fileno=args.fd)],
        threads=args.threads,
        _quiet=True,
    )

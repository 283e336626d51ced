"""The baseline of bench_fake_list and bench_fake_view: a bare Flask app that returns a fixed
body.

Run as `python bare_flask_app.py PORT BODY_FILE THREADS`; it serves the body at every path under
/api/v2/ with the fake's content type, under waitress like the fake.
"""

from __future__ import annotations

import logging
import sys
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
    port, body_file, threads = int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    # As the fake does (its cli.py): under load waitress would log every queued task, which
    # would slow the baseline and flatter the fake.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    waitress.serve(
        make_app(body_file.read_bytes()), host="127.0.0.1", port=port, threads=threads, _quiet=True
    )

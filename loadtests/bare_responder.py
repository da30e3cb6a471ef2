"""A bare gevent + lxml SOAP responder: the floor the mock's small calls are compared with.

    python -m loadtests.bare_responder --answer FILE [--port 0]

Served by gevent's WSGIServer on the mock's TCP_NODELAY socket (`mock_server.server.listen`; the mock
itself is served by its own leaner HTTP layer, `mock_server/http_server.py`): per
POST it reads the body, parses it with lxml, reads the operation's first argument, and builds the
answer in FILE (the mock's own answer to the same call) anew from plain data with lxml
(`bench_lxml.build`). No auth, no journal, no storage. Prints `listening on http://HOST:PORT/soap/v3/`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "client"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from gevent.pywsgi import WSGIServer  # noqa: E402
from lxml import etree  # noqa: E402

from loadtests.bench_lxml import build, plain  # noqa: E402
from mock_server.server import listen  # noqa: E402

SOAP11 = "{http://schemas.xmlsoap.org/soap/envelope/}"


def application(answer: bytes) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    data = plain(etree.fromstring(answer))

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = etree.fromstring(environ["wsgi.input"].read(length))
        operation = request.find(f"{SOAP11}Body")[0]
        if len(operation) and not (operation[0].text or "").strip():  # what a handler would check
            raise ValueError("no argument")
        body = build(data)
        start_response(
            "200 OK", [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--answer", type=Path, required=True, help="the answer document to rebuild per call")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    sock = listen("127.0.0.1", args.port)
    server = WSGIServer(sock, application(args.answer.read_bytes()), log=None, spawn=10_000)
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}/soap/v3/ (bare lxml responder)", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A tiny CORS-enabled HTTP server for the Neo4j Browser guide (``cypher/guide/``).

Neo4j Browser fetches ``:play <url>`` guides cross-origin, so the page must be
served with ``Access-Control-Allow-Origin: *`` and an ``OPTIONS`` preflight
answered 204 (``python -m http.server`` answers 501 and Browser then shows
"No guide by that name").  Loopback only.

Run: ``python -m graphfraud.neo4j.guide cypher/guide --port 8099``.
"""

from __future__ import annotations

import argparse
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class CorsHandler(SimpleHTTPRequestHandler):
    """Static files with permissive CORS headers and a 204 preflight."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_OPTIONS(self) -> None:  # noqa: N802 (http.server naming)
        self.send_response(204)
        self.end_headers()


def make_server(directory: str | Path, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """An HTTP server for ``directory`` on ``host:port`` (call ``serve_forever``)."""
    handler = functools.partial(CorsHandler, directory=str(directory))
    return ThreadingHTTPServer((host, port), handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args(argv)
    make_server(args.directory, args.port).serve_forever()


if __name__ == "__main__":  # pragma: no cover
    main()

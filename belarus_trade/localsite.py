"""The built site served on a local port, for the PDF printer, the Lighthouse audit and the browser
tests: they read the book over HTTP as a reader's browser does, never from file:// URLs."""
from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser dropping a connection is not an error; callers check statuses themselves


@contextmanager
def serve(root: Path):
    """`http://127.0.0.1:PORT/` serving `root`, for as long as the block runs."""
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

"""The built site served on a local port, for the PDF printer, the Lighthouse audit and the browser
tests: they read the book over HTTP as a reader's browser does, never from file:// URLs.

Text (HTML, CSS, JavaScript, SVG, JSON) is sent gzip-compressed to a browser that asks for it,
as the hosts a book is published on (GitHub Pages, Netlify, Read the Docs) send it: the bytes a
reader's phone receives, which is what Lighthouse times."""
from __future__ import annotations

import functools
import gzip
import http.server
import io
import threading
from contextlib import contextmanager
from pathlib import Path

COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def send_head(self):
        """A text file, compressed, to a client that accepts gzip; anything else as the standard
        handler sends it (directories, other types, errors, conditional requests)."""
        path = Path(self.translate_path(self.path))
        content_type = self.guess_type(str(path))
        if (not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "")
                or not content_type.startswith(COMPRESSED_TYPES) or "If-Modified-Since" in self.headers):
            return super().send_head()
        stat = path.stat()
        body = _gzipped(str(path), stat.st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        self.end_headers()
        return io.BytesIO(body)


@functools.lru_cache(maxsize=256)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    """A file compressed once per version (the key includes its modification time)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


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

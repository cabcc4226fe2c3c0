"""The built site on a local port (`belarus_trade.site.server`): text compressed as the book's
hosts send it, to a browser that asks for it."""
from __future__ import annotations

import gzip
import urllib.error
import urllib.request

import pytest

from belarus_trade.site.server import serve


def test_the_local_server_compresses_text_for_browsers_that_ask(tmp_path):
    (tmp_path / "page.html").write_text("<p>" + "Беларусь " * 500 + "</p>", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG" + bytes(2000))
    with serve(tmp_path) as url:
        def get(name, encoding=None):
            request = urllib.request.Request(url + name, headers={"Accept-Encoding": encoding} if encoding else {})
            with urllib.request.urlopen(request) as reply:
                return reply.headers, reply.read()

        headers, body = get("page.html", "gzip, deflate")
        assert headers["Content-Encoding"] == "gzip" and int(headers["Content-Length"]) == len(body) < 500
        assert gzip.decompress(body) == (tmp_path / "page.html").read_bytes()
        headers, body = get("page.html")
        assert headers["Content-Encoding"] is None and body == (tmp_path / "page.html").read_bytes()
        headers, body = get("image.png", "gzip")
        assert headers["Content-Encoding"] is None and len(body) == 2004
        with pytest.raises(urllib.error.HTTPError) as missing:
            get("robots.txt", "gzip")
        assert missing.value.code == 404

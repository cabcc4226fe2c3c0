"""The site's `index.html` is the book's first page itself, not a redirect to it: a redirect costs
a reader on a phone a second round trip before any text (issue 11).

The root page lives in `chapters/`, so its copy at the top has every relative URL re-based. That
is an edit of the written page: Sphinx renders a page once, for its own folder (its links,
toctree and sidebar are worked out from its name), and sphinx-external-toc's only other answer
is the redirect. Written before that extension's redirect, which then steps aside.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

URL_ATTRIBUTE = re.compile(r'\b(href|src|action|data-content_root)="([^"]*)"')
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _landing_page(app, exception) -> None:
    """The root page's HTML, with its relative URLs rewritten for the site's top folder."""
    root = app.config.root_doc
    if exception is not None or app.builder.name != "html" or root == "index":
        return
    source = Path(app.outdir) / f"{root}{app.builder.out_suffix}"
    if source.is_file():
        page = move_to_top(source.read_text(encoding="utf-8"), posixpath.dirname(root))
        (Path(app.outdir) / f"index{app.builder.out_suffix}").write_text(page, encoding="utf-8")


def move_to_top(page: str, folder: str) -> str:
    """A page of `folder` rewritten to live in the site's top folder: every relative URL in
    href, src, action and Sphinx's data-content_root is re-based (fragments, data: and
    absolute URLs stay as they are)."""
    def rebase(match):
        attribute, url = match.groups()
        if not url or url.startswith(("#", "/", "?")) or SCHEME.match(url):
            return match.group(0)
        path, mark, rest = (re.split(r"([?#])", url, maxsplit=1) + ["", ""])[:3]
        rebased = posixpath.normpath(posixpath.join(folder, path))
        if path.endswith("/"):
            rebased += "/"
        return f'{attribute}="{rebased}{mark}{rest}"'

    return URL_ATTRIBUTE.sub(rebase, page)


def register(app) -> None:
    app.connect("build-finished", _landing_page, priority=400)  # before sphinx-external-toc's redirect (500)

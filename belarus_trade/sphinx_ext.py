"""Sphinx side of the chart policy: serve the Vega libraries from the book, stamp every page.

Registered in `book/_config.yml`. The Vega/Vega-Lite/Vega-Embed bundle comes from the
installed vl-convert (the same versions that draw the static SVGs), is cached under
`_build/.vendor`, and is copied into the site's `_static`, so no page loads anything
from outside the site.
"""
from __future__ import annotations

import base64
import hashlib
import html
import posixpath
import re
from pathlib import Path

from .paths import BUILD_DIR

STATIC_DIR = Path(__file__).resolve().parent / "static"
BUNDLE_NAME = "vega-bundle.js"
EMBEDDED_SVG = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def vega_bundle_dir(build_dir: Path) -> Path:
    """Write the bundle once per vl-convert version; regenerating costs seconds."""
    import vl_convert

    vendor = build_dir / ".vendor" / f"vl-convert-{_vl_convert_version()}"
    bundle = vendor / BUNDLE_NAME
    if not bundle.exists():
        vendor.mkdir(parents=True, exist_ok=True)
        temporary = bundle.with_suffix(".tmp")
        # Wrapped in a function scope: the bundle's top-level names (e.g. `_`) would otherwise
        # collide with Sphinx's own globals; it exports itself through window.vegaEmbed.
        temporary.write_text("(function () {\n" + vl_convert.javascript_bundle() + "\n})();\n", encoding="utf-8")
        temporary.replace(bundle)
    return vendor


def _vl_convert_version() -> str:
    from importlib.metadata import version

    return version("vl-convert-python")


def _article_numbering(app, config) -> None:
    """Captions carry the article's own numbers (Figure 1, Table 1, Figure 2a for additions);
    Sphinx's automatic numbering would renumber them. sphinx-jupyterbook-latex switches numfig
    on unconditionally, so it is switched off again here, after that extension ran."""
    config.numfig = False


def _add_assets(app) -> None:
    app.config.html_static_path.extend([str(STATIC_DIR), str(vega_bundle_dir(BUILD_DIR))])
    app.add_css_file("bt-charts.css")
    app.add_js_file(BUNDLE_NAME, loading_method="defer")
    app.add_js_file("bt-charts.js", loading_method="defer")


def _finish_page(app, pagename, templatename, context, doctree) -> None:
    """Light pages, nothing remote, and the data snapshot named on every page."""
    from .data import snapshot_id

    body = EMBEDDED_SVG.sub(lambda match: _externalise_svg(app, pagename, match.group(1)), context.get("body", ""))
    snapshot = snapshot_id(app.config.belarus_trade_data_dir or None)
    body += (
        f'<p class="bt-snapshot">Built from data snapshot {html.escape(snapshot["hash"])} '
        f'(latest retrieval {html.escape(snapshot["retrieved"])}).</p>'
    )
    context["body"] = body
    context["script_files"] = [js for js in context.get("script_files", []) if not _is_thebe(js)]


def _externalise_svg(app, pagename: str, encoded: str) -> str:
    """Notebook outputs embed the static chart; the site serves it as a lazily loaded file,
    which the browser fetches only when it is shown (print, no JavaScript, failed chart)."""
    svg = base64.b64decode(encoded)
    name = f"bt-{hashlib.sha256(svg).hexdigest()[:16]}.svg"
    target = Path(app.outdir) / "_images" / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(svg)
    return f'loading="lazy" src="{posixpath.relpath("_images/" + name, posixpath.dirname(pagename) or ".")}"'


def _is_thebe(js) -> bool:
    """jupyter-book always loads sphinx-thebe, which names a CDN; the book runs no live kernels."""
    text = f"{js} {getattr(js, 'attributes', {}).get('body', '')}"
    return "thebe" in text.lower()


def setup(app):
    app.add_config_value("belarus_trade_data_dir", "", "html")
    app.connect("config-inited", _article_numbering, priority=900)
    app.connect("builder-inited", _add_assets)
    app.connect("html-page-context", _finish_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

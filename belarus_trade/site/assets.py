"""The book's additions to the theme, and on each page only those it uses (issue 11): the book's
templates, styles and scripts, the theme's files the book replaces, and the Vega bundle, which
comes from the installed vl-convert (the same versions that draw the static SVGs), is cached
under `_build/.vendor` and copied into the site's `_static`, so no page loads anything from
outside the site. A page loads bt-charts.js only if it has a chart or a sortable table,
sphinx-design's files only if it has a card or tab, nothing of thebe, and every script deferred."""
from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

from docutils import nodes

from belarus_trade import BUILD_DIR
from belarus_trade.build.files import write_atomically
from belarus_trade.site import icons, light_pages

STATIC_DIR = Path(__file__).resolve().parent / "static"
# The book's pages (language links, snapshot line, description, search scripts) and theme
# components whose words the theme leaves untranslatable (translated from locales/<language>/LC_MESSAGES/sphinx.po).
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
BUNDLE_NAME = "vega-bundle.js"
CHARTS_SCRIPT = "bt-charts.js"  # draws the charts and sorts the tables
PAGES_CSS = "bt-pages.css"
PAGES_SCRIPT = "bt-pages.js"
ICONS_CSS = "bt-icons.css"
# In a notebook output's HTML: a chart (charts.ChartFigure) or a sortable table (charts.DataTable).
CHART_OR_TABLE = re.compile(r'<(?:div|table)[^>]*\bclass="(?:[^"]*\s)?bt-(?:chart|sortable)(?:\s[^"]*)?"')
DESIGN_CLASS = re.compile(r'class="(?:[^"]*\s)?sd-')  # sphinx-design's cards, tabs, grids, in raw HTML
DESIGN_ASSETS = {"sphinx-design.min.css", "design-tabs.js"}
# What documentation_options.js defines: deferred, it is not defined yet when an inline script runs.
# pydata-sphinx-theme's inline scripts use it to set the page's name and search-as-you-type, for
# its version switcher and its search box's live results, neither of which the book has.
DEFERRED_GLOBAL = "DOCUMENTATION_OPTIONS"


def vega_bundle_dir(build_dir: Path) -> Path:
    """Write the bundle once per vl-convert version; regenerating costs seconds."""
    import vl_convert

    vendor = build_dir / ".vendor" / f"vl-convert-{vl_convert_version()}"
    bundle = vendor / BUNDLE_NAME
    if not bundle.exists():  # both languages' renders may get here at once: each writes its own copy, then renames it
        # Wrapped in a function scope: the bundle's top-level names (e.g. `_`) would otherwise
        # collide with Sphinx's own globals; it exports itself through window.vegaEmbed.
        write_atomically(bundle, "(function () {\n" + vl_convert.javascript_bundle() + "\n})();\n")
    return vendor


def vl_convert_version() -> str:
    from importlib.metadata import version

    return version("vl-convert-python")


def _theme_overrides_dir(build_dir: Path) -> Path:
    """Files that stand in for the theme's own, written once per version of the theme and of
    sphinx-exercise, whose files they are made from: the admonition icons' stylesheet
    (`icons.admonition_css`) and the theme's script with its tab-stop check batched
    (`light_pages.batched_theme_script`). Sphinx copies them over the theme's static files."""
    from importlib.metadata import version

    folder = build_dir / ".vendor" / f"theme-{version('pydata-sphinx-theme')}-{version('sphinx-exercise')}"
    if not (folder / ICONS_CSS).exists():
        write_atomically(folder / ICONS_CSS, icons.admonition_css())
    script = light_pages.THEME_SCRIPT
    if not (folder / script).exists():
        write_atomically(folder / script, light_pages.batched_theme_script((icons.THEME_STATIC / script).read_text(encoding="utf-8")))
    return folder


def _add_templates(app, config) -> None:
    """The book's templates, before the builder loads its templates."""
    config.templates_path = [str(TEMPLATES_DIR), *config.templates_path]  # first: before the theme's components


def _add_assets(app) -> None:
    """The book's styles and scripts. The Vega bundle is not a script of the page: bt-charts.js
    loads it at the reader's first move (`data-bundle`, relative to the script, with its version
    so a new bundle is never read from a cache)."""
    build_dir = Path(app.config.belarus_trade_build_dir or BUILD_DIR)
    vendor = vega_bundle_dir(build_dir)
    app.config.html_static_path.extend([str(STATIC_DIR), str(vendor), str(_theme_overrides_dir(build_dir))])
    app.add_css_file("bt-charts.css")
    app.add_css_file(PAGES_CSS)
    app.add_css_file(ICONS_CSS, priority=900)  # after the theme's and sphinx-exercise's, whose glyphs it replaces
    version = hashlib.sha256((vendor / BUNDLE_NAME).read_bytes()).hexdigest()[:12]
    app.add_js_file(CHARTS_SCRIPT, loading_method="defer", **{"data-bundle": f"{BUNDLE_NAME}?v={version}"})
    app.add_js_file(PAGES_SCRIPT, loading_method="defer")


def page_uses(doctree) -> tuple[bool, bool]:
    """(charts or sortable tables, sphinx-design's components) on a page: notebook outputs are raw
    HTML, sphinx-design's components nodes with its classes."""
    if doctree is None:
        return False, False
    raw = [node.astext() for node in doctree.findall(nodes.raw)]
    charts = any(CHART_OR_TABLE.search(text) for text in raw)
    design = any(DESIGN_CLASS.search(text) for text in raw) or any(
        name.startswith("sd-") for node in doctree.findall(nodes.Element) for name in node.get("classes", []))
    return charts, design


def page_assets(scripts: list, styles: list, charts: bool, design: bool) -> tuple[list, list]:
    """The scripts and styles a page loads: not what it does not use (thebe's, since the book runs
    no live kernels; sphinx-design's 55 KB, which jupyter-book loads whether or not a page has a
    card or tab; bt-charts.js without a chart or table; inline scripts that need DEFERRED_GLOBAL),
    and every script file deferred: it runs once the page is parsed, in the same order (the inline
    scripts left only set variables of their own)."""
    def used(asset) -> bool:
        name = _file_name(asset)
        return (not _is_thebe(asset) and (design or name not in DESIGN_ASSETS) and (charts or name != CHARTS_SCRIPT)
                and DEFERRED_GLOBAL not in _inline_body(asset))

    return [deferred(js) for js in scripts if used(js)], [css for css in styles if used(css)]


def deferred(script):
    """A script file as Sphinx's `loading_method="defer"` writes it; an inline script as it is."""
    attributes = getattr(script, "attributes", None)
    if attributes is None or not getattr(script, "filename", None) or {"defer", "async"} & {k for k, v in attributes.items() if v is not None}:
        return script
    return type(script)(script.filename, priority=script.priority, **{**attributes, "defer": "defer"})


def _file_name(asset) -> str:
    return posixpath.basename(str(getattr(asset, "filename", None) or ""))


def _inline_body(asset) -> str:
    return "" if getattr(asset, "filename", None) else getattr(asset, "attributes", {}).get("body") or ""


def _is_thebe(asset) -> bool:
    """jupyter-book always loads sphinx-thebe, which names a CDN; the book runs no live kernels."""
    text = f"{asset} {getattr(asset, 'attributes', {}).get('body', '')}"
    return "thebe" in text.lower()


def _assets_of_page(app, pagename, templatename, context, doctree) -> None:
    charts, design = page_uses(doctree)
    context["script_files"], context["css_files"] = page_assets(
        context.get("script_files", []), context.get("css_files", []), charts, design)


def register(app) -> None:
    app.connect("config-inited", _add_templates)
    app.connect("builder-inited", _add_assets)
    app.connect("html-page-context", _assets_of_page, priority=900)  # after other extensions add theirs

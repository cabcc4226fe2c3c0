"""Text first on a phone (issue 21): what the theme writes into every page that a phone would
download or run before it shows the text, and no setting or template of the theme takes out.

- Font Awesome's script (1.5 MB) replaces each icon element with an SVG once the page has
  loaded: the page carries those SVGs itself (`icons`) and not the script. Both are edits of the
  rendered page, made as the page is rendered (`LighterTemplates`): the icons come from fifteen
  of the two themes' templates and from their Python code, and the script tag from a macro the theme
  generates with its build's digest, beside preload links the page keeps.
- The theme's script gives each scrolling block a tab stop in a way that lays the page out once
  per block (`batched_theme_script`).

What templates and Sphinx's events do instead of edits: the search index and tools load on the
search page only (`templates/layout.html`, `templates/search.html`), and every script is
deferred (`assets.page_assets`).
"""
from __future__ import annotations

import re

from sphinx.jinja2glue import BuiltinTemplateLoader

from belarus_trade.site import icons

ICON_SCRIPT = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
THEME_SCRIPT = "scripts/pydata-sphinx-theme.js"
THEME_TAB_STOP_CHECK = ".forEach(e=>{e.tabIndex=e.scrollWidth>e.clientWidth||e.scrollHeight>e.clientHeight?0:-1})"
BATCHED_TAB_STOP_CHECK = (".forEach((e,i,a)=>{if(!i)a.btTabStops=Array.from(a,x=>!x.closest('details:not([open])')&&"
                          "(x.scrollWidth>x.clientWidth||x.scrollHeight>x.clientHeight)?0:-1);"
                          "if(e.tabIndex!==a.btTabStops[i])e.tabIndex=a.btTabStops[i]})")


def lighter_page(page: str) -> str:
    """A rendered page without Font Awesome's script, its icons inline SVG."""
    return icons.inline_icons(ICON_SCRIPT.sub("", page))


class LighterTemplates(BuiltinTemplateLoader):
    """Sphinx's own template loader (Sphinx's `template_bridge` setting names it), whose pages
    come out lighter (`lighter_page`)."""

    def render(self, template: str, context: dict) -> str:
        return lighter_page(super().render(template, context))


def batched_theme_script(script: str) -> str:
    """pydata-sphinx-theme's script with one change. At load it gives each code block and output
    a tab stop if it scrolls, reading each element's scroll size and setting its tabIndex in turn;
    each setting makes the next reading lay out the page again (on a chapter page on a phone,
    about 0.4 s of the main thread, most of Lighthouse's blocking time). Here every size is read
    first, then only the tabIndex values that change are set; a block inside a closed <details>
    (folded code) is not measured, which would lay out its hidden content: it gets no tab stop
    while hidden, and bt-pages.js has the theme check again when it is opened."""
    if script.count(THEME_TAB_STOP_CHECK) != 1:
        raise RuntimeError("pydata-sphinx-theme's tab-stop check is not where light_pages expects it: "
                           "review batched_theme_script for this version of the theme")
    return script.replace(THEME_TAB_STOP_CHECK, BATCHED_TAB_STOP_CHECK)


def _use_lighter_templates(app, config) -> None:
    """Before the builder makes its template loader."""
    name = f"{LighterTemplates.__module__}.{LighterTemplates.__name__}"
    if config.template_bridge not in (None, "", name):
        raise RuntimeError(f"template_bridge is set to {config.template_bridge!r}: the book's pages need {name}")
    config.template_bridge = name


def register(app) -> None:
    app.connect("config-inited", _use_lighter_templates)

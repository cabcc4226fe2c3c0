"""The scripts and styles a page loads (`belarus_trade.site.assets`, issue 11 and 21): only those it
uses, every script file deferred, in the order Sphinx gave them. That the built pages load the Vega
bundle only where a chart is drawn is test_accessibility.py's."""
from __future__ import annotations

from docutils import nodes
from docutils.utils import new_document
from sphinx.builders.html import _CascadingStyleSheet, _JavaScript

from belarus_trade.site import assets

SCRIPTS = [
    _JavaScript("documentation_options.js"),
    _JavaScript(None, body="let toggleHintShow = 'Click to show';"),
    _JavaScript("togglebutton.js"),
    _JavaScript("bt-charts.js", defer="defer", **{"data-bundle": "vega-bundle.js?v=1"}),
    _JavaScript("analytics.js", **{"async": "async"}),
    _JavaScript("design-tabs.js"),
    _JavaScript("https://unpkg.com/thebe@0.8.2/lib/index.js"),
    _JavaScript(None, body="const thebe_selector = '.thebe,.cell';"),
    _JavaScript(None, body="DOCUMENTATION_OPTIONS.pagename = 'chapters/x';"),  # pydata-sphinx-theme's
]
STYLES = [_CascadingStyleSheet("pygments.css"), _CascadingStyleSheet("sphinx-design.min.css"),
          _CascadingStyleSheet("sphinx-thebe.css"), _CascadingStyleSheet("bt-charts.css")]


def names(assets_: list) -> list:
    return [asset.filename or asset.attributes["body"] for asset in assets_]


def test_every_script_file_is_deferred_in_the_same_order_and_inline_scripts_stay():
    scripts, _ = assets.page_assets(SCRIPTS, STYLES, charts=True, design=True)
    assert names(scripts) == ["documentation_options.js", "let toggleHintShow = 'Click to show';", "togglebutton.js",
                              "bt-charts.js", "analytics.js", "design-tabs.js"]
    by_name = dict(zip(names(scripts), scripts))
    assert by_name["documentation_options.js"].attributes == {"defer": "defer"}
    assert by_name["togglebutton.js"].attributes == {"defer": "defer"}
    assert by_name["bt-charts.js"] is SCRIPTS[3]  # deferred already: as it was, with its bundle's address
    assert by_name["analytics.js"] is SCRIPTS[4]  # async: runs as soon as it arrives, holds nothing up
    assert by_name["let toggleHintShow = 'Click to show';"] is SCRIPTS[1]
    assert SCRIPTS[0].attributes == {}  # Sphinx's own list is not changed


def test_a_page_loads_only_what_it_uses():
    scripts, styles = assets.page_assets(SCRIPTS, STYLES, charts=False, design=False)
    assert names(scripts) == ["documentation_options.js", "let toggleHintShow = 'Click to show';", "togglebutton.js", "analytics.js"]
    assert names(styles) == ["pygments.css", "bt-charts.css"]
    scripts, styles = assets.page_assets(SCRIPTS, STYLES, charts=False, design=True)
    assert "design-tabs.js" in names(scripts) and "sphinx-design.min.css" in names(styles)
    assert not any("thebe" in str(name).lower() or "DOCUMENTATION_OPTIONS" in str(name) for name in names(scripts) + names(styles))


def _page(*children) -> nodes.document:
    document = new_document("page")
    document.extend(children)
    return document


def test_what_a_page_uses_is_read_from_its_doctree():
    chart = nodes.raw(text='<div class="bt-chart" id="bt-fig-1"><img class="bt-chart-static"></div>', format="html")
    table = nodes.raw(text='<div class="bt-table"><table class="bt-sortable"><thead></thead></table></div>', format="html")
    note = nodes.raw(text="<div class=\"bt-chart-note\">Not a chart</div>", format="html")
    card = nodes.container(classes=["sd-card", "sd-shadow-sm"])
    raw_card = nodes.raw(text='<div class="sd-card">', format="html")
    assert assets.page_uses(None) == (False, False)  # the index and the search page
    assert assets.page_uses(_page(nodes.paragraph(text="bt-chart"))) == (False, False)
    assert assets.page_uses(_page(chart)) == (True, False)
    assert assets.page_uses(_page(table)) == (True, False)
    assert assets.page_uses(_page(note)) == (False, False)
    assert assets.page_uses(_page(card)) == (False, True)
    assert assets.page_uses(_page(raw_card, table)) == (True, True)

"""Text first (issue 21): what a phone need not download or run before it shows the text. The
edits of the rendered page (`belarus_trade.site.light_pages`), the book's copies of the theme's
template blocks that load the search tools (checked against the installed theme, so an upgrade
that changes those blocks is reviewed), and the built pages. The scripts a page keeps, deferred,
are test_assets.py's; what a browser fetches is test_accessibility.py's and test_browser.py's."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sphinx

from belarus_trade.checks.audit import site_pages
from belarus_trade.site import icons, light_pages
from belarus_trade.site.assets import TEMPLATES_DIR
from belarus_trade.site.light_pages import BATCHED_TAB_STOP_CHECK, THEME_SCRIPT, THEME_TAB_STOP_CHECK, batched_theme_script, lighter_page

THEME_TEMPLATES = icons.THEME_STATIC.parent
BASIC_LAYOUT = Path(sphinx.__file__).parent / "themes" / "basic" / "layout.html"
SEARCH_TOOLS = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")

THEME_HEAD = """<head>
<script data-cfasync="false">document.documentElement.dataset.mode = "light";</script>
  <script defer src="../_static/scripts/fontawesome.js?digest=55c2"></script>
    <script defer src="../_static/documentation_options.js?v=9eb32ce0"></script>
    <script>let toggleHintShow = 'Click to show';</script>
    <script defer="defer" src="../_static/bt-charts.js?v=1"></script>
</head>
<button class="theme-switch-button"><i class="theme-switch fa-solid fa-moon fa-lg" data-mode="dark" title="Dark"></i></button>
<button><span class="fa-solid fa-bars"></span></button>"""


def test_a_rendered_page_loses_the_icon_script_and_keeps_text_and_order():
    page = lighter_page(THEME_HEAD)
    assert "fontawesome" not in page
    assert page.count("<script") == THEME_HEAD.count("<script") - 1
    assert "<script>let toggleHintShow" in page and 'dataset.mode = "light"' in page  # inline scripts stay
    assert page.index("documentation_options") < page.index("toggleHintShow") < page.index("bt-charts")
    assert "<i " not in page and "<span class" not in page
    assert '<svg class="theme-switch fa-solid fa-moon fa-lg svg-inline--fa" data-mode="dark" aria-hidden="true"' in page
    assert 'title="Dark"' not in page  # the button names itself; an SVG shows no title attribute
    assert '<svg class="fa-solid fa-bars svg-inline--fa"' in page


def test_every_page_sphinx_renders_is_made_lighter(tmp_path):
    """The book's template loader (Sphinx's `template_bridge`) is Sphinx's own, with `lighter_page`
    on each page; another template loader set for the book is refused, not silently replaced."""
    class Config:
        template_bridge = None

    config = Config()
    light_pages._use_lighter_templates(None, config)
    assert config.template_bridge == "belarus_trade.site.light_pages.LighterTemplates"
    light_pages._use_lighter_templates(None, config)  # set twice: the same
    config.template_bridge = "some.other.Loader"
    with pytest.raises(RuntimeError, match="template_bridge"):
        light_pages._use_lighter_templates(None, config)

    from jinja2 import DictLoader, Environment

    templates = light_pages.LighterTemplates()
    templates.environment = Environment(loader=DictLoader({"page.html": "{{ head }}"}))
    assert templates.render("page.html", {"head": THEME_HEAD}) == lighter_page(THEME_HEAD)


def _block(template: str, name: str) -> str:
    found = re.search(r"{%-?\s*block " + name + r"\s*-?%}(.*?){%-?\s*endblock(?:\s+" + name + r")?\s*-?%}", template, re.S)
    assert found, f"no block {name}"
    return found.group(1)


def _lines(text: str) -> list[str]:
    text = re.sub(r"{#.*?#}", "", text, flags=re.S)
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_the_head_is_the_themes_without_the_search_tools():
    """The book's `extrahead` block is the theme's, line for line, but for the part that loads the
    search tools on every page but the search page; after it, only the book's own lines."""
    theme = _block((THEME_TEMPLATES / "layout.html").read_text(encoding="utf-8"), "extrahead")
    search_part = re.search(r"{%-?\s*if pagename == 'search'\s*-?%}.*?{%-?\s*endif\s*-?%}", theme, re.S)
    assert search_part and [src for src in SEARCH_TOOLS if src in search_part.group(0)] == list(SEARCH_TOOLS)
    assert _lines(re.sub(r"<script [^>]*></script>|{%-?\s*(?:if|else|endif)[^%]*%}", "", search_part.group(0))) == []
    ours = _lines(_block((TEMPLATES_DIR / "layout.html").read_text(encoding="utf-8"), "extrahead"))
    own = next(i for i, line in enumerate(ours) if "bt_" in line)
    assert ours[:own] == _lines(theme.replace(search_part.group(0), ""))
    assert not any(src in line for line in ours for src in SEARCH_TOOLS)


def test_the_search_page_loads_its_search_tools_deferred():
    """The search page's `scripts` block is the theme's with `defer` on its three scripts; the
    theme's `super()` there is Sphinx's block, the page's script files (deferred by `assets`)."""
    theme = _lines(_block((THEME_TEMPLATES / "search.html").read_text(encoding="utf-8"), "scripts"))
    ours = _lines(_block((TEMPLATES_DIR / "search.html").read_text(encoding="utf-8"), "scripts"))
    assert _lines(_block(BASIC_LAYOUT.read_text(encoding="utf-8"), "scripts")) == ["{{- script() }}"]
    assert ours == [line.replace("{{ super() }}", "{{ script() }}").replace("<script src=", "<script defer src=") for line in theme]
    assert sum(src in line for line in ours for src in SEARCH_TOOLS) == len(SEARCH_TOOLS)


def test_built_pages_block_on_no_script_and_load_search_tools_only_for_search(built_site):
    script = re.compile(r"<script\b([^>]*)>")
    for path in (built_site / name for name in site_pages(built_site)):
        page = path.read_text(encoding="utf-8")
        name = path.relative_to(built_site).as_posix()
        blocking = [tag for tag in script.findall(page) if "src=" in tag and not re.search(r"\b(?:defer|async)\b", tag)]
        assert blocking == [], f"{name}: scripts that hold up the page: {blocking}"
        assert "fontawesome" not in page, name
        assert '<meta name="viewport" content="width=device-width, initial-scale=1"/>' in page, name  # the theme's head
        tools = [src for src in SEARCH_TOOLS if f'/{src}' in page or f'"{src}' in page]
        assert tools == (list(SEARCH_TOOLS) if path.name == "search.html" else []), name


def test_the_themes_tab_stop_check_reads_every_size_before_it_writes():
    """The installed theme has the check that lays the page out once per block; the batched one
    replaces it (and a theme without it stops the build rather than ship an unpatched script)."""
    theme = (icons.THEME_STATIC / THEME_SCRIPT).read_text(encoding="utf-8")
    batched = batched_theme_script(theme)
    assert THEME_TAB_STOP_CHECK not in batched and batched.count(BATCHED_TAB_STOP_CHECK) == 1
    assert len(batched) - len(theme) == len(BATCHED_TAB_STOP_CHECK) - len(THEME_TAB_STOP_CHECK)
    reads, writes = BATCHED_TAB_STOP_CHECK.index("scrollWidth"), BATCHED_TAB_STOP_CHECK.index("e.tabIndex=")
    assert reads < writes and "details:not([open])" in BATCHED_TAB_STOP_CHECK
    with pytest.raises(RuntimeError):
        batched_theme_script(theme.replace(THEME_TAB_STOP_CHECK, ""))

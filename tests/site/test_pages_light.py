"""Text first (issue 21), without building a book: the theme's icons as SVG, the page's scripts
deferred or dropped, and the local server compressing text as the book's hosts do. The built
pages and what a browser fetches are checked in test_accessibility.py and test_browser.py."""
from __future__ import annotations

import gzip
import urllib.error
import urllib.request

import pytest

from belarus_trade.site import icons
from belarus_trade.site.server import serve
from belarus_trade.site.sphinx_ext import BATCHED_TAB_STOP_CHECK, THEME_SCRIPT, THEME_TAB_STOP_CHECK, batched_theme_script, lighter_page

THEME_HEAD = """<head>
<script data-cfasync="false">document.documentElement.dataset.mode = "light";</script>
  <script defer src="../_static/scripts/fontawesome.js?digest=55c2"></script>
    <script src="../_static/documentation_options.js?v=9eb32ce0"></script>
    <script>let toggleHintShow = 'Click to show';</script>
    <script src="../_static/togglebutton.js?v=b8b12719"></script>
    <script defer="defer" src="../_static/bt-charts.js?v=1"></script>
    <script src="../_static/searchtools.js"></script>
    <script src="../_static/language_data.js"></script>
    <script src="../searchindex.js"></script>
</head>
<button class="theme-switch-button"><i class="theme-switch fa-solid fa-moon fa-lg" data-mode="dark" title="Dark"></i></button>
<button><span class="fa-solid fa-bars"></span></button>"""


def test_the_icons_are_the_themes_own():
    width, height, path = icons.shape("magnifying-glass")
    assert (width, height) == (512, 512) and path.startswith("M")
    assert icons.shape_of_character("f002") == (width, height, path)  # the same icon by its character
    with pytest.raises(icons.IconError):
        icons.shape("no-such-icon")
    with pytest.raises(icons.IconError):
        icons.inline_svg("fa-solid fa-bars fa-list")  # which one?


def test_a_rendered_page_keeps_text_and_order_and_drops_what_a_phone_need_not_run():
    page = lighter_page(THEME_HEAD, "chapters/pre_sanction")
    assert "fontawesome" not in page
    assert "searchtools" not in page and "searchindex" not in page and "language_data" not in page
    assert '<script defer src="../_static/documentation_options.js' in page
    assert '<script defer src="../_static/togglebutton.js' in page
    assert page.count("<script defer ") == 2 and page.count("defer=\"defer\"") == 1  # bt-charts.js as it was
    assert "<script>let toggleHintShow" in page and 'dataset.mode = "light"' in page  # inline scripts stay
    assert page.index("documentation_options") < page.index("togglebutton") < page.index("bt-charts")
    assert "<i " not in page and "<span class" not in page
    assert '<svg class="theme-switch fa-solid fa-moon fa-lg svg-inline--fa" data-mode="dark" aria-hidden="true"' in page
    assert 'title="Dark"' not in page  # the button names itself; an SVG shows no title attribute
    search = lighter_page(THEME_HEAD, "search")
    assert "fontawesome" not in search and '<script defer src="../searchindex.js">' in search


def test_admonition_icons_are_masks_in_the_titles_colour():
    css = icons.admonition_css()
    rules = css.splitlines()[1:]
    selectors = [rule.split("{")[0] for rule in rules]
    assert any(".admonition.note>" in s for s in selectors) and "div.exercise p.admonition-title::after" in selectors
    assert len(rules) == len(icons.ADMONITION_RULE.findall(icons.THEME_CSS.read_text(encoding="utf-8"))) + 1
    for rule in rules:
        assert 'content:""' in rule and "background-color:currentColor" in rule and "mask:var(--bt-icon)" in rule
        assert "url(\"data:image/svg+xml," in rule and "Font Awesome" not in rule
    with pytest.raises(icons.IconError):  # a glyph the font does not have is an error, not an empty box
        icons.admonition_css(theme_css="", exercise_css='div.x p.admonition-title::after { content: "\\f999"; }')


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

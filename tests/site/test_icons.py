"""The theme's icons as inline SVG and the admonitions' icons as masks (`belarus_trade.site.icons`,
issue 21), read from the theme's own copy of Font Awesome."""
from __future__ import annotations

import pytest

from belarus_trade.site import icons


def test_the_icons_are_the_themes_own():
    width, height, path = icons.shape("magnifying-glass")
    assert (width, height) == (512, 512) and path.startswith("M")
    assert icons.shape_of_character("f002") == (width, height, path)  # the same icon by its character
    with pytest.raises(icons.IconError):
        icons.shape("no-such-icon")
    with pytest.raises(icons.IconError):
        icons.inline_svg("fa-solid fa-bars fa-list")  # which one?


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

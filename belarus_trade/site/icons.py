"""The theme's icons as inline SVG, so a page needs no icon script and no icon font.

pydata-sphinx-theme writes its icons as empty `<i class="fa-solid fa-NAME">` elements and loads
Font Awesome's JavaScript (1.5 MB, parsed before the reader sees text on a phone) to replace each
with an SVG; the icons of admonition titles (exercises, notes, tips) are glyphs of Font Awesome's
font (157 KB). The book shows about fifteen icons: the build writes those SVGs into the page
itself (`inline_icons`), and the admonitions' glyphs become SVG masks painted in the title's
colour (`admonition_css`). The shapes come from the theme's own copy of Font Awesome (its solid
set), so they are the icons the theme would have drawn, at the version the theme pins.
"""
from __future__ import annotations

import functools
import html
import re
import urllib.parse
from pathlib import Path

import pydata_sphinx_theme
import sphinx_exercise

THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
FONTAWESOME = THEME_STATIC / "scripts" / "fontawesome.js"
# The stylesheets that give admonition titles a glyph of the icon font (`content` after the title).
THEME_CSS = THEME_STATIC / "styles" / "pydata-sphinx-theme.css"
EXERCISE_CSS = Path(sphinx_exercise.__file__).parent / "assets" / "html" / "exercise.css"
# In the bundle each set ends with the call that registers it: the solid set is the text between
# the registration of the regular set and its own.
SOLID_SET = re.compile(r'd\("fa-regular",\w+\)(.*?)d\("fa-solid",\w+\)', re.S)
# name: [width, height, aliases, unicode, path] (the name quoted or not)
DEFINITION = r'(?:"{name}"|\b{name}):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]'
BY_CODE = r'(?:"[a-z0-9-]+"|\b[a-z0-9-]+):\[(\d+),(\d+),\[[^\]]*\],"{code}","([^"]+)"\]'
# In the theme's stylesheet: a rule whose title glyph is an admonition's variable, the variable's
# icon, and the icon's character; in sphinx-exercise's, a rule with the character itself.
ADMONITION_RULE = re.compile(r'([^{}]*admonition-title:after)\{[^}]*?content:var\(--pst-icon-admonition-([a-z-]+)\)')
ADMONITION_ICON = re.compile(r'--pst-icon-admonition-([a-z-]+):var\(--pst-icon-([a-z-]+)\)')
ICON_CODE = re.compile(r'--pst-icon-([a-z-]+):"\\?([^"]+)"')
GLYPH_RULE = re.compile(r'([^{}]*admonition-title::?after)\s*\{\s*content:\s*"\\(f[0-9a-f]{3})";?\s*\}')
# An icon as the theme writes it: an empty <i> or <span> whose classes include fa-NAME.
ICON_ELEMENT = re.compile(r'<(i|span) class="([^"]*\bfa-[^"]*)"([^>]*)></\1>')
SET_CLASSES = {"fa-solid", "fas"}
SIZE_CLASSES = {"fa-lg", "fa-xs", "fa-sm", "fa-xl", "fa-2x", "fa-fw"}


class IconError(LookupError):
    pass


@functools.lru_cache(maxsize=1)
def _solid_set() -> str:
    found = SOLID_SET.search(FONTAWESOME.read_text(encoding="utf-8"))
    if not found:
        raise IconError(f"no solid icon set found in {FONTAWESOME}")
    return found.group(1)


@functools.lru_cache(maxsize=64)
def shape(name: str) -> tuple[int, int, str]:
    """(width, height, SVG path) of a solid icon."""
    found = re.search(DEFINITION.format(name=re.escape(name)), _solid_set())
    if not found:
        raise IconError(f"the theme's Font Awesome has no solid icon {name!r}")
    return int(found.group(1)), int(found.group(2)), found.group(3)


@functools.lru_cache(maxsize=64)
def shape_of_character(code: str) -> tuple[int, int, str]:
    """(width, height, SVG path) of the solid icon the font draws for character U+`code`."""
    found = re.search(BY_CODE.format(code=re.escape(code.lower())), _solid_set())
    if not found:
        raise IconError(f"the theme's Font Awesome has no solid icon for U+{code}")
    return int(found.group(1)), int(found.group(2)), found.group(3)


def _mask(shape: tuple[int, int, str]) -> str:
    width, height, path = shape
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'><path d='{path}'/></svg>"
    return 'url("data:image/svg+xml,' + urllib.parse.quote(svg, safe="/:=' ") + '")'


def admonition_css(theme_css: str | None = None, exercise_css: str | None = None) -> str:
    """A stylesheet, loaded after the theme's and sphinx-exercise's, that draws each admonition
    title's icon as a mask in the title's colour (`currentColor`, so both themes follow) instead
    of a glyph of the icon font: the same selectors, the same icons."""
    theme_css = _without_comments(THEME_CSS.read_text(encoding="utf-8") if theme_css is None else theme_css)
    exercise_css = _without_comments(EXERCISE_CSS.read_text(encoding="utf-8") if exercise_css is None else exercise_css)
    codes = {name: value if len(value) > 1 else f"{ord(value):x}" for name, value in ICON_CODE.findall(theme_css)}
    icon_of = dict(ADMONITION_ICON.findall(theme_css))
    rules = [(selector.strip(), codes[icon_of[kind]]) for selector, kind in ADMONITION_RULE.findall(theme_css)]
    rules += [(selector.strip(), code) for selector, code in GLYPH_RULE.findall(exercise_css)]
    if not rules:
        raise IconError("no admonition icon found in the theme's stylesheet")
    lines = ["/* Generated by belarus_trade/site/icons.py: admonition icons as SVG masks, not font glyphs. */"]
    for selector, code in rules:
        lines.append(f'{selector}{{content:"";font:inherit;background-color:currentColor;'
                     f'--bt-icon:{_mask(shape_of_character(code))};'
                     '-webkit-mask:var(--bt-icon) center/contain no-repeat;mask:var(--bt-icon) center/contain no-repeat}')
    return "\n".join(lines) + "\n"


def _without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def inline_svg(classes: str, attributes: str = "") -> str:
    """The SVG Font Awesome's script would put in place of the element with these classes: the
    classes kept, `svg-inline--fa` added (bt-pages.css sizes it), hidden from assistive technology
    (the buttons around the icons carry their labels)."""
    names = [c[3:] for c in classes.split() if c.startswith("fa-") and c not in SET_CLASSES | SIZE_CLASSES]
    if len(names) != 1:
        raise IconError(f"cannot tell which icon {classes!r} names")
    width, height, path = shape(names[0])
    kept = re.sub(r'\s*\btitle="[^"]*"', "", attributes)  # an SVG shows no title attribute; the button has its own
    return (f'<svg class="{" ".join(classes.split())} svg-inline--fa"{kept} aria-hidden="true" focusable="false" '
            f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
            f'<path fill="currentColor" d="{html.escape(path, quote=True)}"></path></svg>')


def inline_icons(page: str) -> str:
    """Every theme icon of a rendered page replaced by its SVG."""
    return ICON_ELEMENT.sub(lambda match: inline_svg(match.group(2), match.group(3)), page)

"""What a page already holds of a figure or table, for its "Cite or download" panel
(`citation_panel`): the HTML the chart policy stored in the notebook (its key, spec, static SVG, CSV
and retrieval date), its caption (the article's number, and its first sentence as a title), and
the files made of them for the reader to download, each written beside the page's images and
named by its content.
"""
from __future__ import annotations

import base64
import hashlib
import html.parser
import json
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes

from belarus_trade.build.files import write_atomically
from belarus_trade.chapters.charts import VEGA_LITE_VERSION
from belarus_trade.i18n import tr
from belarus_trade.site import assets
from belarus_trade.site.figures import IMAGES, site_file

DOWNLOADS = "_downloads"  # Sphinx's folder of files to download
PNG_SCALE = 2  # twice the static image's pixels: sharp on a slide or a high-density screen


# --- what the chart policy stored --------------------------------------------------------------

@dataclass(frozen=True)
class StoredFigure:
    """A chart or table as `charts.ChartFigure`/`DataTable` wrote it into the notebook's output."""

    kind: str  # "chart" or "table"
    key: str
    csv: bytes
    retrieved: str  # as the source line writes it, in the page's language
    spec: dict | None = None  # a chart's
    svg: bytes | None = None


CSV_URI = "data:text/csv;charset=utf-8,"
SVG_URI = "data:image/svg+xml;base64,"


class _StoredFigureParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: dict = {}
        self._into: str | None = None  # the element whose text is being read: "spec", "retrieved"

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        classes = set(attributes.get("class", "").split())
        if "kind" not in self.found and tag == "div" and classes & {"bt-chart", "bt-table"} and attributes.get("id", "").startswith("bt-"):
            self.found.update(kind="chart" if "bt-chart" in classes else "table", key=attributes["id"][len("bt-"):])
        elif tag == "img" and "bt-chart-static" in classes and attributes.get("src", "").startswith(SVG_URI):
            self.found["svg"] = base64.b64decode(attributes["src"][len(SVG_URI):])
        elif tag == "a" and "bt-csv" in classes and attributes.get("href", "").startswith(CSV_URI):
            self.found["csv"] = urllib.parse.unquote_to_bytes(attributes["href"][len(CSV_URI):])
        elif tag == "script" and "bt-chart-spec" in classes:
            self._into = "spec"
        elif tag == "span" and "bt-updated" in classes:
            self._into = "retrieved"

    def handle_endtag(self, tag):
        self._into = None

    def handle_data(self, data):
        if self._into:
            self.found[self._into] = self.found.get(self._into, "") + data


def read_stored_figure(text: str) -> StoredFigure | None:
    """The figure in a notebook output's HTML; None for any other HTML."""
    parser = _StoredFigureParser()
    parser.feed(text)
    parser.close()
    found = parser.found
    if "kind" not in found or "csv" not in found:
        return None
    retrieved = " ".join(found.get("retrieved", "").split())
    retrieved = retrieved.removeprefix(tr("Data retrieved:")).strip().rstrip(".")
    spec = json.loads(found["spec"]) if found.get("spec") else None  # JSON reads "\u003c" back as "<"
    return StoredFigure(found["kind"], found["key"], found["csv"], retrieved, spec, found.get("svg"))


# --- the caption -------------------------------------------------------------------------------

def caption_label(caption: nodes.caption) -> str | None:
    """"Figure 3c" or "Table 1" (in English, as `i18n.cross_reference` reads it) from the caption's
    bold lead, in either language: the number is the article's, as the caption gives it."""
    lead = next((child for child in caption.children if child.astext().strip()), None)
    words = lead.astext().split() if isinstance(lead, nodes.strong) else []
    if len(words) != 2:
        return None
    kind = next((kind for kind in ("Figure", "Table") if words[0] in (kind, tr(kind))), None)
    number = words[1].rstrip(".")
    return f"{kind} {number}" if kind and number else None


# After the lead: "(added by the book)." and the stops and spaces before the title.
AFTER_LEAD = re.compile(r"\s*(?:\([^()]*\)\s*)?[.:]?\s*")
SENTENCE_END = re.compile(r"[.!?](?=\s+[\"“«(]*[A-ZА-ЯЁ])")
# Words after which a stop ends no sentence ("Fig. 3", "млрд долл. США"); a single letter is an initial.
ABBREVIATIONS = {"fig", "figs", "no", "nos", "vol", "pp", "e.g", "i.e", "cf", "approx", "incl",
                 "долл", "рис", "табл", "гг", "тыс", "млн", "млрд", "руб", "см", "др", "пр", "стр", "т.е"}


def title_span(text: str, lead: int) -> tuple[int, int]:
    """Where the caption's title (its first sentence after the lead, without its stop) is in `text`."""
    start = AFTER_LEAD.match(text, lead).end()
    for match in SENTENCE_END.finditer(text, start):
        word = re.search(r"[\w.]+$", text[start:match.start()])
        if word and ((len(word.group()) == 1 and word.group().isalpha()) or word.group().lower() in ABBREVIATIONS):
            continue
        return start, match.start()
    end = len(text.rstrip())
    return start, end - 1 if text[start:end].endswith(".") else end


def caption_title(caption: nodes.caption) -> list[nodes.Node]:
    """The caption's first sentence after its lead, as copies of its nodes (so text a translated
    caption marks as English stays marked, and a link stays a link)."""
    text = "".join(str(leaf) for leaf in caption.findall(nodes.Text))
    lead = next((child for child in caption.children if child.astext().strip()), None)
    start, end = title_span(text, len(_text_up_to(caption, lead)) + len(lead.astext()))
    return _sliced(caption, start, end)[0] if end > start else []


def _text_up_to(root: nodes.Node, stop: nodes.Node) -> str:
    before = []
    for leaf in root.findall(nodes.Text):
        if stop in _ancestors(leaf):
            break
        before.append(str(leaf))
    return "".join(before)


def _ancestors(node):
    while node is not None:
        yield node
        node = node.parent


def _sliced(element: nodes.Element, start: int, end: int, offset: int = 0) -> tuple[list[nodes.Node], int]:
    """Copies of `element`'s children holding its text from `start` to `end`, and the offset after it."""
    kept: list[nodes.Node] = []
    for child in element.children:
        if isinstance(child, nodes.Text):
            piece = str(child)[max(start - offset, 0):max(end - offset, 0)]
            if piece:
                kept.append(nodes.Text(piece))
            offset += len(child)
        elif isinstance(child, nodes.Element):
            inner, offset = _sliced(child, start, end, offset)
            if inner:
                shell = child.copy()
                shell.extend(inner)
                kept.append(shell)
    return kept, offset


# --- the files ---------------------------------------------------------------------------------

def rendered_png(spec: dict, cache_dir: Path) -> bytes:
    """The chart drawn by vl-convert from the spec the page draws, at `PNG_SCALE`; kept in the build
    folder by the spec's content, since every build renders every page into a fresh site."""
    import vl_convert

    canonical = json.dumps(spec, sort_keys=True, ensure_ascii=False).encode("utf-8")
    cached = cache_dir / f"{hashlib.sha256(canonical).hexdigest()[:24]}-x{PNG_SCALE}.png"
    if not cached.exists():
        # No base URL is allowed: the spec carries its data, and a render fetches nothing.
        write_atomically(cached, vl_convert.vegalite_to_png(spec, vl_version=VEGA_LITE_VERSION, scale=PNG_SCALE, allowed_base_urls=[]))
    return cached.read_bytes()


def figure_files(figure: StoredFigure, outdir: Path, cache_dir: Path) -> dict[str, str]:
    """{"csv", "svg", "png", "spec": path from the site's top} of the files a figure offers."""
    files = {"csv": site_file(outdir, DOWNLOADS, figure.csv, ".csv")}
    if figure.svg is not None:
        files["svg"] = site_file(outdir, IMAGES, figure.svg, ".svg")  # the page's own static image
    if figure.spec is not None:
        files["png"] = site_file(outdir, IMAGES, rendered_png(figure.spec, cache_dir), ".png")
        spec = json.dumps(figure.spec, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        files["spec"] = site_file(outdir, DOWNLOADS, spec.encode("utf-8"), ".vl.json")
    return files


def png_cache_dir(build_dir: Path) -> Path:
    return build_dir / ".vendor" / f"vl-convert-{assets.vl_convert_version()}" / "png"

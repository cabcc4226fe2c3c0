"""Under each figure and table, a folded "Cite or download" panel (issue 23): the figure's
permalink, its citation in the page's language, and its files (CSV; for a chart its SVG and PNG as
drawn and its Vega-Lite spec; the chapter's notebook).

It is added when Sphinx writes a page (`doctree-resolved`), not by the chart policy, so the
notebooks stay as they are and a citation names the edition of this render: the publish stage's
What changed extension sets `book_citation.EDITION_SETTING` (only it can tell whether this build is the last
published edition). What it says of a figure is what the page already holds (`figure_parts`);
its links lead to files of the site, which the page never fetches. The permalink is the chart
policy's own `bt-<key>` id: it names the figure by its key, so it survives a renumbering.

The book's part of a citation (title, authors, edition) is `book_citation`'s, shared with the
book's other citation forms.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes

from belarus_trade import BUILD_DIR, i18n
from belarus_trade.i18n import N_, tr
from belarus_trade.site.book_citation import EDITION_SETTING, BookCitation, from_settings
from belarus_trade.site.figure_parts import StoredFigure, caption_label, caption_title, figure_files, png_cache_dir, read_stored_figure

TEXT = {
    "summary": N_("Cite or download {label}"),
    "permalink": N_("Permalink:"),
    "cite_as": N_("Cite as:"),
    "download": N_("Download:"),
    "citation": N_("{authors}. {book}, {edition}. {label}: {caption}. Data retrieved {retrieved}."),
    "citation_untitled": N_("{authors}. {book}, {edition}. {label}. Data retrieved {retrieved}."),
    "csv": N_("The data (CSV)"),
    "svg": N_("The image as drawn (SVG)"),
    "png": N_("The image as drawn (PNG, at twice its size)"),
    "spec": N_("The Vega-Lite specification of the chart (JSON)"),
    # In a translated site, the chapter executed and written in that language (`publish.notebooks`).
    "notebook": N_("The chapter's notebook (Jupyter, .ipynb)"),
}


def _t(key: str) -> str:
    """`TEXT[key]` in the page's language."""
    return tr(TEXT[key])


# --- the book ----------------------------------------------------------------------------------

# --- the panel ---------------------------------------------------------------------------------

class cite_panel(nodes.General, nodes.Element):
    """`<details>`: closed until the reader opens it (by keyboard too), announced as collapsed or expanded."""


class cite_summary(nodes.TextElement):
    """`<summary>`: the panel's label."""


class download_link(nodes.Inline, nodes.TextElement):
    """`<a download>` to a file of the site; `href` from the page, `filename` the name it is saved as."""


def _visit_panel(self, node) -> None:
    self.body.append(self.starttag(node, "details", ""))


def _depart_panel(self, node) -> None:
    self.body.append("</details>\n")


def _visit_summary(self, node) -> None:
    self.body.append(self.starttag(node, "summary", ""))


def _depart_summary(self, node) -> None:
    self.body.append("</summary>\n")


def _visit_download(self, node) -> None:
    self.body.append(self.starttag(node, "a", "", href=node["href"], download=node["filename"]))


def _depart_download(self, node) -> None:
    self.body.append("</a>")


VISITORS = {cite_panel: (_visit_panel, _depart_panel), cite_summary: (_visit_summary, _depart_summary),
            download_link: (_visit_download, _depart_download)}


@dataclass(frozen=True)
class PanelPlace:
    """Where a panel is: its page (the permalink's text is the page's file and the anchor) and its chapter."""

    docname: str
    page_file: str  # "union_state.html"
    notebook: str | None  # the chapter's notebook from the site's top (`_sources/...`), if the site has it
    chapter: str


def panel(figure: StoredFigure, label: str, title: list[nodes.Node], book: BookCitation, files: dict[str, str],
          place: PanelPlace) -> cite_panel:
    """The panel's nodes: every text from the data or the chapters is a text node, escaped where it lands."""
    anchor = f"bt-{figure.key}"
    summary = _t("summary")
    box = cite_panel(classes=["bt-cite"])
    box += cite_summary("", summary.format(label=i18n.cross_reference(label, summary.partition("{label}")[0])))
    link = nodes.paragraph(classes=["bt-cite-link"])
    link += [nodes.Text(_t("permalink") + " "), nodes.reference("", f"{place.page_file}#{anchor}", refuri=f"#{anchor}", internal=True)]
    cited = nodes.paragraph(classes=["bt-cite-text"])
    cited += [nodes.Text(_t("cite_as") + " "), *citation(book, label, title, figure.retrieved)]
    box += [link, cited, nodes.paragraph("", _t("download"))]
    items = nodes.bullet_list(classes=["bt-cite-files"])
    here = posixpath.dirname(place.docname) or "."
    offered = [(kind, files[kind], f"{figure.key}{suffix}") for kind, suffix in
               (("csv", ".csv"), ("svg", ".svg"), ("png", ".png"), ("spec", ".vl.json")) if kind in files]
    if place.notebook:
        translated = i18n.current() != i18n.SOURCE_LANGUAGE
        suffix = f".{i18n.current()}.ipynb" if translated else ".ipynb"
        offered.append(("notebook", place.notebook, place.chapter + suffix))
    for kind, path, filename in offered:
        words = _t(kind)
        items += nodes.list_item("", nodes.paragraph("", "", download_link(
            words, words, href=posixpath.relpath(path, here), filename=filename)))
    box += items
    return box


def citation(book: BookCitation, label: str, title: list[nodes.Node], retrieved: str) -> list[nodes.Node]:
    """The figure's citation in the page's language; its caption's title kept as the caption's nodes."""
    values = {"authors": book.author, "book": book.title, "edition": book.edition_text(),
              "label": i18n.cross_reference(label, ""), "retrieved": retrieved}
    if not title:
        return [nodes.Text(_t("citation_untitled").format(**values))]
    before, _, after = _t("citation").partition("{caption}")
    return [nodes.Text(before.format(**values)), *title, nodes.Text(after.format(**values))]


def source_copy(app, docname: str) -> str | None:
    """The chapter's source as Sphinx copies it into the site (`_sources/`, as the theme's download
    button links it), if it is a notebook and the site keeps sources."""
    source = Path(app.env.doc2path(docname))
    if not app.config.html_copy_source or source.suffix != ".ipynb":
        return None
    name = docname + source.suffix
    if source.suffix != app.config.html_sourcelink_suffix:  # as Sphinx's HTML builder names it
        name += app.config.html_sourcelink_suffix
    return f"_sources/{name}"


# docname -> (its first chart's PNG from the site's top, its caption): filled as pages are written,
# read as each page's <head> is (`html-page-context` follows `doctree-resolved` for one page).
LEAD_IMAGES: dict[str, tuple[str, str]] = {}


def _add_panels(app, doctree, docname) -> None:
    """After each captioned figure or table of the chart policy, as the page is written."""
    if app.builder.format != "html":  # the gettext builder resolves doctrees too: nothing to extract here
        return
    book, outdir = from_settings(app.config), Path(app.outdir)
    cache_dir = png_cache_dir(Path(app.config.belarus_trade_build_dir or BUILD_DIR))
    place = PanelPlace(docname, posixpath.basename(app.builder.get_target_uri(docname)), source_copy(app, docname),
                       posixpath.basename(docname))
    for figure in list(doctree.findall(nodes.figure)):
        stored = next(filter(None, (read_stored_figure(raw.astext()) for raw in figure.findall(nodes.raw) if raw.get("format") == "html")), None)
        caption = next(iter(figure.findall(nodes.caption)), None)
        label = caption_label(caption) if caption is not None else None
        if stored is None or label is None:
            continue
        files = figure_files(stored, outdir, cache_dir)
        box = panel(stored, label, caption_title(caption), book, files, place)
        figure.parent.insert(figure.parent.index(figure) + 1, box)
        if "png" in files:  # the page's first chart: its link preview's image (`descriptions`)
            LEAD_IMAGES.setdefault(docname, (files["png"], " ".join(caption.astext().split())))


def register(app) -> None:
    if EDITION_SETTING not in app.config:
        app.add_config_value(EDITION_SETTING, {}, "html")
    for node, (visit, depart) in VISITORS.items():
        app.add_node(node, html=(visit, depart))
    app.connect("doctree-resolved", _add_panels)

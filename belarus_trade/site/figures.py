"""A chapter's figures on the page as the chapter wrote them: the book's HTML of each figure (not
myst-nb's choice among its outputs), its static chart as a file fetched only when shown, its
caption from the paragraph after it, and the article's numbers (Sphinx numbers only exercises);
and a translated site holds none of myst-nb's files of notebook outputs.

`FigureMimeRenderer` is registered with myst-nb through the entry point in `pyproject.toml`.
"""
from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform

from belarus_trade import i18n
from belarus_trade.chapters.charts import FIGURE_MIMETYPE
from belarus_trade.i18n import tr

IMAGES = "_images"  # Sphinx's folder of a site's images
# The static chart, embedded by `charts.ChartFigure.html` for notebook viewers.
EMBEDDED_SVG = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


class FigureMimeRenderer:
    """myst-nb plugin: the book's figure HTML, preferred over every other representation."""

    mime_priority_overrides = [("html", FIGURE_MIMETYPE, 1), ("readthedocs", FIGURE_MIMETYPE, 1)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != FIGURE_MIMETYPE:
            return None
        return [nodes.raw(text=data.string, format="html", classes=["output", "text_html"])]


def externalise_svgs(body: str, pagename: str, outdir: Path) -> str:
    """Every embedded static chart of a page's body written to `_images/` (named by its content,
    so a chart on two pages is one file) and linked from the page, loaded lazily.

    A string edit, not a template or a transform: the image is inside the figure's HTML, which
    the notebook stores and myst-nb places as one raw node."""
    def linked(match) -> str:
        path = site_file(outdir, IMAGES, base64.b64decode(match.group(1)), ".svg")
        return f'loading="lazy" src="{posixpath.relpath(path, posixpath.dirname(pagename) or ".")}"'

    return EMBEDDED_SVG.sub(linked, body)


def site_file(outdir: Path, folder: str, content: bytes, suffix: str) -> str:
    """`content` as a file of the site, named by its content (so what two pages share is one file),
    written once; its path from the site's top."""
    path = f"{folder}/bt-{hashlib.sha256(content).hexdigest()[:16]}{suffix}"
    target = outdir / path
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return path


def _serve_svgs_as_files(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = externalise_svgs(context["body"], pagename, Path(app.outdir))


def _article_numbering(app, env, docnames) -> None:
    """Captions carry the article's own numbers (Figure 1, Table 1, Figure 2a for additions);
    Sphinx's automatic numbering would renumber them. Exercises do need Sphinx's numbering
    (sphinx-exercise titles them "Exercise 3.2 (...)" from it, and only "(...)" with numfig off),
    so numfig stays on and figures and tables are taken out of what it numbers. Run before every
    read: the domain is made anew for each build, for a loaded environment too."""
    enumerable = env.get_domain("std").enumerable_nodes
    for node in (nodes.figure, nodes.table):
        enumerable.pop(node, None)


class CaptionAfterFigure(SphinxTransform):
    """A chapter writes a figure's caption as the paragraph after its chart, so JupyterLab and
    notebook viewers show it too; in the HTML it becomes the figure's `<figcaption>`."""

    default_priority = 400  # after Sphinx's Locale transform (20): a translated caption starts with its own words

    def apply(self, **kwargs):
        words = "|".join(re.escape(word) for word in {"Figure", "Table", tr("Figure"), tr("Table")})
        caption_start = re.compile(rf"^({words}) [0-9A-Z]")
        for figure in list(self.document.findall(nodes.figure)):
            if not (figure["ids"] or figure["names"]) or any(isinstance(child, nodes.caption) for child in figure.children):
                continue
            paragraph = _next_paragraph(figure)
            lead = next((child for child in (paragraph or []) if child.astext().strip()), None)
            if not isinstance(lead, nodes.strong) or not caption_start.match(lead.astext()):
                continue
            caption = nodes.caption(paragraph.rawsource, "", *paragraph.children)
            caption.source, caption.line = paragraph.source, paragraph.line  # so gettext extracts it
            paragraph.parent.remove(paragraph)
            figure += caption


def _next_paragraph(node):
    """The paragraph that follows `node` in reading order, skipping empty containers."""
    while node.parent is not None:
        siblings = node.parent.children
        index = siblings.index(node)
        if index + 1 < len(siblings):
            following = siblings[index + 1]
            while isinstance(following, nodes.container) and following.children:
                following = following.children[0]
            return following if isinstance(following, nodes.paragraph) else None
        node = node.parent
    return None


def _notebook_outputs_beside_doctrees(app) -> None:
    """myst-nb writes the files of notebook outputs to `jupyter_execute/` beside the output
    folder; a translation's output folder is a subfolder of the source language's site, so its
    3.7 MB of SVGs (which no page links to) would be published. They go beside the doctrees."""
    if getattr(app.env, "mystnb_config", None) is None or app.config.language == i18n.SOURCE_LANGUAGE:
        return
    folder = Path(app.doctreedir).parent / f"jupyter_execute-{app.config.language}"
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder.resolve()))


def register(app) -> None:
    """After myst-nb's setup (its builder-inited handler sets the outputs' folder this one moves)."""
    app.add_transform(CaptionAfterFigure)
    app.connect("env-before-read-docs", _article_numbering)
    app.connect("builder-inited", _notebook_outputs_beside_doctrees)
    app.connect("html-page-context", _serve_svgs_as_files)

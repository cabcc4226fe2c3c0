"""Sphinx side of the chart policy and of the prose's numbers.

- Figure outputs: a notebook's figure carries the book's HTML under its own MIME type
  (`charts.FIGURE_MIMETYPE`); `FigureMimeRenderer`, registered with myst-nb through the
  entry point in `pyproject.toml`, places that HTML in the page.
- Numbers: the `eval` role shows the value that `engine` stored beside the Markdown cell
  when the chapter executed, as escaped text; a missing value is a build error.
- Captions: a `**Figure N.**` / `**Table N.**` paragraph right after a named figure output
  becomes that figure's caption; in a translated edition a link's "Figure N" takes the
  language's word for a cross-reference ("рис. N").
- The What changed page: the `what-changed` directive (`what_changed`, issue 12).

- Pages (issue 11): the Vega bundle only on pages that draw a chart, a meta description on
  every page, the root page's content served as `index.html` itself (no redirect hop),
  exercises numbered by sphinx-exercise while the article's figures keep their own numbers,
  and a bibliography list with valid ARIA roles.

- Languages (issue 13): a translated edition's own words (the snapshot line, page
  descriptions, the book's title) come from `i18n`'s code catalogue, and every page links to
  the same page in the other languages. The Russian edition's bibliography and citation labels
  follow GOST R 7.0.100–2018 (`gost`, issue 20); the English one keeps `_config.yml`'s styles.

Registered in `book/_config.yml`. The Vega/Vega-Lite/Vega-Embed bundle comes from the
installed vl-convert (the same versions that draw the static SVGs), is cached under
`_build/.vendor`, and is copied into the site's `_static`, so no page loads anything
from outside the site.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import json
import posixpath
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxRole

from belarus_trade import BUILD_DIR, i18n
from belarus_trade.build.files import write_atomically
from belarus_trade.chapters.charts import FIGURE_MIMETYPE
from belarus_trade.chapters.prose import plain_text, stored_results
from belarus_trade.i18n import N_, tr
from belarus_trade.site import icons

STATIC_DIR = Path(__file__).resolve().parent / "static"
# The index and search pages, which show no `body`, and theme buttons whose titles the theme
# leaves untranslatable (translated from locales/<language>/LC_MESSAGES/sphinx.po).
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
BUNDLE_NAME = "vega-bundle.js"
CHARTS_SCRIPT = "bt-charts.js"  # draws the charts and sorts the tables
PAGES_CSS = "bt-pages.css"
PAGES_SCRIPT = "bt-pages.js"
ICONS_CSS = "bt-icons.css"
THEME_SCRIPT = "scripts/pydata-sphinx-theme.js"
THEME_TAB_STOP_CHECK = ".forEach(e=>{e.tabIndex=e.scrollWidth>e.clientWidth||e.scrollHeight>e.clientHeight?0:-1})"
BATCHED_TAB_STOP_CHECK = (".forEach((e,i,a)=>{if(!i)a.btTabStops=Array.from(a,x=>!x.closest('details:not([open])')&&"
                          "(x.scrollWidth>x.clientWidth||x.scrollHeight>x.clientHeight)?0:-1);"
                          "if(e.tabIndex!==a.btTabStops[i])e.tabIndex=a.btTabStops[i]})")
DESCRIPTION_MAX = 160  # characters; search engines cut longer descriptions
CITATION = re.compile(r"\s*\[[^\[\]]*\b(?:1[89]|20)\d\d[a-z]?\]")  # "[Author, 2025]" in a page's description
CHART_ELEMENT = re.compile(r'<div[^>]*\bclass="(?:[^"]*\s)?bt-chart(?:\s[^"]*)?"')
TABLE_ELEMENT = re.compile(r'<table[^>]*\bclass="(?:[^"]*\s)?bt-sortable(?:\s[^"]*)?"')
DESIGN_ELEMENT = re.compile(r'class="(?:[^"]*\s)?sd-')  # sphinx-design's cards, tabs, grids
DESIGN_ASSETS = {"sphinx-design.min.css", "design-tabs.js"}
URL_ATTRIBUTE = re.compile(r'\b(href|src|action|data-content_root)="([^"]*)"')
# Scripts of the theme's templates that `lighter_page` removes or defers.
FONTAWESOME_SCRIPT = r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>'
ICON_SCRIPT = re.compile(FONTAWESOME_SCRIPT)
SEARCH_OR_ICON_SCRIPT = re.compile(
    FONTAWESOME_SCRIPT + r'|\s*<script src="[^"]*(?:_static/searchtools|_static/language_data|searchindex)\.js"></script>')
BLOCKING_SCRIPT = re.compile(r'<script (?![^>]*\b(?:defer|async)\b)([^>]*\bsrc="[^"]*"[^>]*)>')
EMBEDDED_SVG = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def vega_bundle_dir(build_dir: Path) -> Path:
    """Write the bundle once per vl-convert version; regenerating costs seconds."""
    import vl_convert

    vendor = build_dir / ".vendor" / f"vl-convert-{_vl_convert_version()}"
    bundle = vendor / BUNDLE_NAME
    if not bundle.exists():  # both editions' renders may get here at once: each writes its own copy, then renames it
        # Wrapped in a function scope: the bundle's top-level names (e.g. `_`) would otherwise
        # collide with Sphinx's own globals; it exports itself through window.vegaEmbed.
        write_atomically(bundle, "(function () {\n" + vl_convert.javascript_bundle() + "\n})();\n")
    return vendor


def _theme_overrides_dir(build_dir: Path) -> Path:
    """Files that stand in for the theme's own, written once per version of the theme and of
    sphinx-exercise, whose files they are made from: the admonition icons' stylesheet
    (`icons.admonition_css`) and the theme's script with its tab-stop check batched
    (`batched_theme_script`). Sphinx copies them over the theme's static files."""
    from importlib.metadata import version

    folder = build_dir / ".vendor" / f"theme-{version('pydata-sphinx-theme')}-{version('sphinx-exercise')}"
    if not (folder / ICONS_CSS).exists():
        write_atomically(folder / ICONS_CSS, icons.admonition_css())
    if not (folder / THEME_SCRIPT).exists():
        write_atomically(folder / THEME_SCRIPT, batched_theme_script((icons.THEME_STATIC / THEME_SCRIPT).read_text(encoding="utf-8")))
    return folder


def batched_theme_script(script: str) -> str:
    """pydata-sphinx-theme's script with one change. At load it gives each code block and output
    a tab stop if it scrolls, reading each element's scroll size and setting its tabIndex in turn;
    each setting makes the next reading lay out the page again (on a chapter page on a phone,
    about 0.4 s of the main thread, most of Lighthouse's blocking time). Here every size is read
    first, then only the tabIndex values that change are set; a block inside a closed <details>
    (folded code) is not measured, which would lay out its hidden content: it gets no tab stop
    while hidden, and bt-pages.js has the theme check again when it is opened."""
    if script.count(THEME_TAB_STOP_CHECK) != 1:
        raise RuntimeError("pydata-sphinx-theme's tab-stop check is not where sphinx_ext expects it: "
                           "review batched_theme_script for this version of the theme")
    return script.replace(THEME_TAB_STOP_CHECK, BATCHED_TAB_STOP_CHECK)


def _vl_convert_version() -> str:
    from importlib.metadata import version

    return version("vl-convert-python")


def _article_numbering(app, env, docnames) -> None:
    """Captions carry the article's own numbers (Figure 1, Table 1, Figure 2a for additions);
    Sphinx's automatic numbering would renumber them. Exercises do need Sphinx's numbering
    (sphinx-exercise titles them "Exercise 3.2 (...)" from it, and only "(...)" with numfig off),
    so numfig stays on and figures and tables are taken out of what it numbers. Run before every
    read: the domain is made anew for each build, for a loaded environment too."""
    enumerable = env.get_domain("std").enumerable_nodes
    for node in (nodes.figure, nodes.table):
        enumerable.pop(node, None)


# Each language's name in that language, as a reader looking for it expects to see it.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


# myst-nb's labels of a folded cell (it fills in {type}: the book folds only sources, "hide-input").
CODE_PROMPTS = {"nb_code_prompt_show": N_("Show code cell {type}"), "nb_code_prompt_hide": N_("Hide code cell {type}")}


SEARCH_PROMPT = N_("Search this book...")  # Jupyter Book's default search_bar_text
TOGGLE_LABEL = N_("Toggle hidden content")  # sphinx-togglebutton's label of a folded block


def _use_language(app, config) -> None:
    """The render's language for the text this extension writes, and the book's title, author, search
    prompt and myst-nb's folded-cell labels in it (myst-nb reads its settings later, when the builder starts)."""
    i18n.use(config.language or i18n.SOURCE_LANGUAGE)
    for name in ("html_title", "project", "author"):
        if getattr(config, name, None):
            setattr(config, name, tr(getattr(config, name)))
    if i18n.current() != i18n.SOURCE_LANGUAGE:
        for name, label in CODE_PROMPTS.items():
            setattr(config, name, tr(label))
        config.html_theme_options = {**config.html_theme_options, "search_bar_text": tr(SEARCH_PROMPT)}


# A language's bibliography styles (pybtex formatting, sphinxcontrib-bibtex referencing), registered as
# entry points in pyproject.toml; a language not listed keeps _config.yml's (the English edition's).
BIBLIOGRAPHY_STYLES = {"ru": ("gost", "gost_author_year")}


def _bibliography_style(app, config) -> None:
    """A Russian journal's bibliography in the Russian edition: GOST R 7.0.100–2018 entries and labels."""
    if config.language in BIBLIOGRAPHY_STYLES:
        config.bibtex_default_style, config.bibtex_reference_style = BIBLIOGRAPHY_STYLES[config.language]


def _translate_toc_captions(app, doctree) -> None:
    """sphinx-external-toc inserts the root page's toctrees (their captions are the sidebar's part
    titles) after Sphinx's Locale transform: translate their captions from the page's catalogue."""
    from sphinx import locale
    from sphinx.util.i18n import docname_to_domain

    if i18n.current() == i18n.SOURCE_LANGUAGE:
        return
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    catalogue, _ = locale.init([str(Path(app.srcdir) / folder) for folder in app.config.locale_dirs], app.config.language, domain)
    for toctree in doctree.findall(addnodes.toctree):
        if toctree.get("caption"):
            toctree["caption"] = catalogue.gettext(toctree["caption"])


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
    _lighten_rendered_pages(app)


def _notebook_outputs_beside_doctrees(app) -> None:
    """myst-nb writes the files of notebook outputs to `jupyter_execute/` beside the output
    folder; a translation's output folder is a subfolder of the source language's site, so its
    3.7 MB of SVGs (which no page links to) would be published. They go beside the doctrees."""
    if getattr(app.env, "mystnb_config", None) is None or app.config.language == i18n.SOURCE_LANGUAGE:
        return
    folder = Path(app.doctreedir).parent / f"jupyter_execute-{app.config.language}"
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder.resolve()))


def _lighten_rendered_pages(app) -> None:
    """Every page as the theme renders it, made lighter (`lighter_page`)."""
    templates = getattr(app.builder, "templates", None)
    if templates is None or getattr(templates, "bt_lighter", False):
        return
    render = templates.render

    def rendered(template: str, context: dict) -> str:
        return lighter_page(render(template, context), context.get("pagename", ""))

    templates.render, templates.bt_lighter = rendered, True


def lighter_page(page: str, pagename: str) -> str:
    """What a phone need not download or run before it shows the text:
    - Font Awesome's script (1.5 MB): the theme's icons are inline SVG instead (`icons`);
    - Sphinx's search index and tools on every page but the search page (the theme's search box
      sends the query to the search page, which loads them itself);
    - every other script deferred: it runs once the page is parsed, in the same order (the
      inline scripts before them only set variables)."""
    page = ICON_SCRIPT.sub("", page) if pagename == "search" else SEARCH_OR_ICON_SCRIPT.sub("", page)
    page = BLOCKING_SCRIPT.sub(r"<script defer \1>", page)
    return icons.inline_icons(page)


def _finish_page(app, pagename, templatename, context, doctree) -> None:
    """Light pages, nothing remote, and the data snapshot named on every page."""
    from belarus_trade.data.manifest import snapshot_id

    body = EMBEDDED_SVG.sub(lambda match: _externalise_svg(app, pagename, match.group(1)), context.get("body", ""))
    # docutils marks a citation list role="list" and its entries role="doc-biblioentry", which
    # a list may not own (and DPUB-ARIA 1.1 deprecates): the entries are list items.
    body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    # sphinx-togglebutton writes a folded block's label in English, whatever the language.
    body = body.replace(f'aria-label="{TOGGLE_LABEL}"', f'aria-label="{html.escape(tr(TOGGLE_LABEL))}"')
    snapshot = snapshot_id(app.config.belarus_trade_data_dir or None)
    snapshot_line = tr("Built from data snapshot {hash} (latest retrieval {retrieved}).").format(
        hash=snapshot["hash"], retrieved=i18n.date(snapshot["retrieved"]))
    body += f'<p class="bt-snapshot">{html.escape(snapshot_line)}</p>'
    context["bt_languages"] = _language_links(app, pagename)  # for the templates of pages without a body
    context["body"] = context["bt_languages"] + body
    charts, tables = bool(CHART_ELEMENT.search(body)), bool(TABLE_ELEMENT.search(body))
    design = bool(DESIGN_ELEMENT.search(body))
    context["script_files"] = [
        js for js in context.get("script_files", [])
        if not _is_thebe(js) and (charts or tables or _file_name(js) != CHARTS_SCRIPT)
        and (design or _file_name(js) not in DESIGN_ASSETS)
    ]
    # Render-blocking styles of what the page does not use: thebe's (no live kernels) and
    # sphinx-design's (55 KB, which jupyter-book loads whether or not a page has a card or tab).
    context["css_files"] = [
        css for css in context.get("css_files", [])
        if not _is_thebe(css) and (design or _file_name(css) not in DESIGN_ASSETS)
    ]
    metatags = context.get("metatags", "") + "".join(
        f'\n<link rel="alternate" hreflang="{language}" href="{html.escape(href)}" />'
        for language, href in _other_editions(app, pagename).items())
    if not re.search(r'<meta\s[^>]*name="description"', metatags):  # a page's front matter may set its own
        description = _description(pagename, doctree, context)
        metatags += f'\n<meta name="description" content="{html.escape(description, quote=True)}" />'
    context["metatags"] = metatags


def _file_name(asset) -> str:
    return posixpath.basename(str(getattr(asset, "filename", None) or ""))


GENERATED_PAGE_DESCRIPTIONS = {"genindex": N_("Index of the terms used in {}."), "search": N_("Search the text of {}.")}


def _other_editions(app, pagename: str) -> dict[str, str]:
    """The same page in each other language, relative to this page."""
    up = "../" * pagename.count("/")
    return {language: f"{up}{root}{pagename}{app.builder.out_suffix}"
            for language, root in app.config.belarus_trade_editions.items()}


def _language_links(app, pagename: str) -> str:
    """A link to the same page in every other language, at the top of the page."""
    links = " ".join(
        f'<a class="bt-language" href="{html.escape(href)}" hreflang="{language}" lang="{language}">'
        f"{LANGUAGE_NAMES[language]}</a>"
        for language, href in _other_editions(app, pagename).items())
    label = html.escape(tr("Other languages"))
    return f'<nav class="bt-languages" aria-label="{label}">{links}</nav>' if links else ""


def _description(pagename: str, doctree, context) -> str:
    """The page's first paragraph of prose, shortened at a word to DESCRIPTION_MAX characters;
    for pages without prose (the index, the search page) what the page is."""
    book_title = html.unescape(re.sub(r"<[^>]+>", "", context.get("docstitle") or ""))
    text = tr(GENERATED_PAGE_DESCRIPTIONS.get(pagename, "")).format(book_title) if pagename in GENERATED_PAGE_DESCRIPTIONS else ""
    for paragraph in doctree.findall(nodes.paragraph) if doctree is not None else ():
        if not _in_prose(paragraph):
            continue
        text = CITATION.sub("", " ".join(paragraph.astext().split()))
        if len(text) >= 40:
            break
    if not text:
        title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title") or ""))
        text = f"{title}: {book_title}" if title else book_title
    if len(text) > DESCRIPTION_MAX:  # whole sentences if they make a description, else cut at a word
        head = text[:DESCRIPTION_MAX]
        sentences = head.rsplit(". ", 1)[0] + "." if ". " in head else ""
        words = text[: DESCRIPTION_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-") + "…"
        text = sentences if len(sentences) >= DESCRIPTION_MAX // 2 else words
    return text


def _in_prose(node) -> bool:
    """Not inside an admonition, a figure, a table, a citation, a footnote or a notebook cell."""
    skipped = (nodes.Admonition, nodes.figure, nodes.table, nodes.citation, nodes.footnote,
               nodes.caption, nodes.sidebar, nodes.topic, nodes.field_list, nodes.raw)
    node = node.parent
    while node is not None:
        if isinstance(node, skipped) or (isinstance(node, nodes.container) and "cell" in node.get("classes", [])):
            return False
        node = node.parent
    return True


def _landing_page(app, exception) -> None:
    """`index.html` is the root page itself, not a redirect to it (a redirect costs a mobile
    reader a second round trip): the root page's HTML with its relative URLs rewritten for
    the site's top folder. Written before sphinx-external-toc's redirect, which then steps aside."""
    root = app.config.root_doc
    if exception is not None or app.builder.name != "html" or root == "index":
        return
    source = Path(app.outdir) / f"{root}{app.builder.out_suffix}"
    if source.is_file():
        page = _move_to_top(source.read_text(encoding="utf-8"), posixpath.dirname(root))
        (Path(app.outdir) / f"index{app.builder.out_suffix}").write_text(page, encoding="utf-8")


def _move_to_top(page: str, folder: str) -> str:
    """A page of `folder` rewritten to live in the site's top folder: every relative URL in
    href, src, action and Sphinx's data-content_root is re-based (fragments, data: and
    absolute URLs stay as they are)."""
    def rebase(match):
        attribute, url = match.groups()
        if not url or url.startswith(("#", "/", "?")) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
            return match.group(0)
        path, mark, rest = (re.split(r"([?#])", url, maxsplit=1) + ["", ""])[:3]
        rebased = posixpath.normpath(posixpath.join(folder, path))
        if path.endswith("/"):
            rebased += "/"
        return f'{attribute}="{rebased}{mark}{rest}"'

    return URL_ATTRIBUTE.sub(rebase, page)


def _externalise_svg(app, pagename: str, encoded: str) -> str:
    """Notebook outputs embed the static chart; the site serves it as a lazily loaded file,
    which the browser fetches only when it is shown (print, no JavaScript, failed chart)."""
    svg = base64.b64decode(encoded)
    name = f"bt-{hashlib.sha256(svg).hexdigest()[:16]}.svg"
    target = Path(app.outdir) / "_images" / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(svg)
    return f'loading="lazy" src="{posixpath.relpath("_images/" + name, posixpath.dirname(pagename) or ".")}"'


def _is_thebe(asset) -> bool:
    """jupyter-book always loads sphinx-thebe, which names a CDN; the book runs no live kernels."""
    text = f"{asset} {getattr(asset, 'attributes', {}).get('body', '')}"
    return "thebe" in text.lower()


class FigureMimeRenderer:
    """myst-nb plugin: the book's figure HTML, preferred over every other representation."""

    mime_priority_overrides = [("html", FIGURE_MIMETYPE, 1), ("readthedocs", FIGURE_MIMETYPE, 1)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != FIGURE_MIMETYPE:
            return None
        return [nodes.raw(text=data.string, format="html", classes=["output", "text_html"])]


@functools.lru_cache(maxsize=8)
def _page_results(path: str) -> dict:
    """The stored `{eval}` results of a notebook page (none for a Markdown page)."""
    return stored_results(json.loads(Path(path).read_text(encoding="utf-8"))) if path.endswith(".ipynb") else {}


class StoredExpressionRole(SphinxRole):
    """`{eval}`expr``: the value stored for `expr` when the chapter executed (see `engine`)."""

    def run(self):
        renderer = self.inliner.document.get("nb_renderer")
        if renderer is not None:
            results = stored_results(renderer.renderer.nb_client.notebook)
        else:  # a translated message, which Sphinx's Locale transform parses as a document of its own
            results = _page_results(str(self.env.doc2path(self.env.docname)))
        if self.text not in results:
            message = self.inliner.reporter.error(
                f"no stored value for {{eval}}`{self.text}`: re-execute the chapter with `make book`",
                line=self.lineno)
            return [], [message]
        return [nodes.inline(text=plain_text(results[self.text]), classes=["bt-number"])], []


class TranslatableExerciseTitles(SphinxTransform):
    """sphinx-exercise parses an exercise's title without a source, which Sphinx's gettext takes
    for a built-in message and neither extracts nor translates; give it its directive's place."""

    default_priority = 15  # before Sphinx's Locale transform (20)

    def apply(self, **kwargs):
        from sphinx_exercise.nodes import exercise_subtitle

        for subtitle in self.document.findall(exercise_subtitle):
            container = subtitle.parent.parent if subtitle.parent is not None else None
            subtitle.source = subtitle.source or getattr(container, "source", None) or self.document["source"]
            subtitle.line = subtitle.line or getattr(container, "line", None)
            subtitle.rawsource = subtitle.rawsource or subtitle.astext()


class TranslatedExercisesInRegistry(SphinxTransform):
    """sphinx-exercise keeps a copy of each exercise, made when its directive ran (before Sphinx's
    Locale transform), and titles the solutions ("Solution to Exercise 2.1 (...)") from it; after
    the translation, the copy is made again from the translated exercise."""

    default_priority = 25  # after Sphinx's Locale transform (20)

    def apply(self, **kwargs):
        from sphinx_exercise.nodes import is_exercise_node

        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for node in self.document.findall(is_exercise_node):
            entry = registry.get(node.get("label"))
            if entry is not None and entry.get("docname") == self.env.docname:
                entry["node"] = node.deepcopy()


class ExerciseTitlesForGettext(SphinxPostTransform):
    """sphinx-exercise's post-transform rebuilds an exercise's title from its subtitle's children
    and drops the subtitle, so the gettext builder, which reads the final tree, never sees the
    title as a message. For that builder only, each subtitle's text is left beside it as a
    paragraph with the subtitle's place; Sphinx's Locale transform (at read time, before the
    rebuild) translates the subtitle itself."""

    builders = ("gettext",)
    default_priority = 19  # before sphinx-exercise's ResolveTitlesInExercises (20)

    def run(self, **kwargs):
        from sphinx_exercise.nodes import exercise_subtitle

        for subtitle in list(self.document.findall(exercise_subtitle)):
            exercise = subtitle.parent.parent if subtitle.parent is not None else None
            if exercise is None or not subtitle.rawsource:
                continue
            message = nodes.paragraph(subtitle.rawsource, subtitle.rawsource)
            message.source, message.line = subtitle.source, subtitle.line
            message.uid = getattr(subtitle, "uid", "")  # the gettext catalogue skips a node without one
            exercise += message


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


class ReferenceWordsInLanguage(SphinxTransform):
    """A translation keeps a link's role verbatim (the gate checks it, since the role carries the
    target), so "Figure 3c" would stay English in a translated sentence: `i18n.cross_reference`
    gives the language's form."""

    default_priority = 400  # after Sphinx's Locale transform (20), which brings the translated links

    def apply(self, **kwargs):
        if i18n.current() == i18n.SOURCE_LANGUAGE:
            return
        for reference in list(self.document.findall(addnodes.pending_xref)):
            if reference.get("reftype") != "ref" or not reference.get("refexplicit"):
                continue
            text = next(reference.findall(nodes.Text))
            localised = i18n.cross_reference(reference.astext(), _text_before(reference))
            text.parent.replace(text, nodes.Text(localised))


def _text_before(node) -> str:
    """The text that precedes `node` in its paragraph (or title, caption)."""
    block = node.parent
    while not isinstance(block, (nodes.paragraph, nodes.title, nodes.caption)) and block.parent is not None:
        block = block.parent
    before = []
    for text in block.findall(nodes.Text):
        if node in _ancestors(text):
            break
        before.append(text.astext())
    return "".join(before)


def _ancestors(node):
    while node is not None:
        yield node
        node = node.parent


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


# Message domains of other extensions whose words the book corrects in a language: sphinx-exercise's
# Russian "Решение к Упражнение 2.1" is not Russian grammar.
CORRECTED_DOMAINS = ("exercise",)


def _correct_extension_words(app) -> None:
    """The book's catalogue of an extension's domain (locales/<language>/LC_MESSAGES/<domain>.po),
    compiled and registered before the extension registers its own, so its translations come first."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    language = app.config.language
    if not language or language == i18n.SOURCE_LANGUAGE:
        return
    compiled = Path(app.doctreedir).parent / "locales"  # the rendered book's own build folder
    for domain in CORRECTED_DOMAINS:
        source = i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
        if source.is_file():
            mo = io.BytesIO()
            with open(source, "rb") as po:
                write_mo(mo, read_po(po))
            write_atomically(compiled / language / "LC_MESSAGES" / f"{domain}.mo", mo.getvalue())
            app.add_message_catalog(domain, str(compiled))


def setup(app):
    _correct_extension_words(app)  # before sphinx-exercise, which _config.yml loads after this extension
    app.add_config_value("belarus_trade_data_dir", "", "html")
    app.add_config_value("belarus_trade_fingerprint", "", "env")
    app.add_config_value("belarus_trade_editions", {}, "html")  # language -> its site's top, from this site's top
    # The build folder of the book being built (its copies of the Vega bundle and the theme's
    # overridden files), so a book copied elsewhere writes nothing into the project's book/_build.
    app.add_config_value("belarus_trade_build_dir", "", "html")
    app.connect("config-inited", _use_language)
    app.connect("config-inited", _add_templates)
    app.connect("config-inited", _bibliography_style)
    app.setup_extension("myst_nb")
    app.setup_extension("belarus_trade.publish.what_changed")
    app.add_role("eval", StoredExpressionRole(), override=True)
    app.add_transform(TranslatableExerciseTitles)
    app.add_transform(TranslatedExercisesInRegistry)
    app.add_post_transform(ExerciseTitlesForGettext)
    app.add_transform(CaptionAfterFigure)
    app.add_transform(ReferenceWordsInLanguage)
    app.connect("env-before-read-docs", _article_numbering)
    app.connect("doctree-read", _translate_toc_captions, priority=600)  # after sphinx-external-toc's (500)
    app.connect("builder-inited", _add_assets)
    app.connect("builder-inited", _notebook_outputs_beside_doctrees)  # after myst-nb's own (connected first)
    app.connect("html-page-context", _finish_page)
    app.connect("build-finished", _landing_page, priority=400)  # before sphinx-external-toc's redirect (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

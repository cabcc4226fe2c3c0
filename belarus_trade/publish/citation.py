"""How to cite the book: the edition a reader saw, its date and its data snapshot, in every form a
reader or a reference manager takes it.

One `BookCitation` is made from the book's `_config.yml` (title, authors, the site's address if
one is set) and the last published edition's record (`editions.read_editions`), in the page's
language. From it come the `citation_*` tags of every page (Highwire, which Zotero and Google
Scholar read; `prism.edition` for the edition, which Zotero's RDF reading maps), the *How to
cite* page's BibTeX, RIS and text (GOST R 7.0.100–2018 in Russian, as the bibliography), and the
project's `CITATION.cff`, which `make publish` writes with each edition. Nothing here is typed
twice: a new edition changes every form at once.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from belarus_trade import BOOK_DIR, PROJECT_ROOT
from belarus_trade.build.files import write_atomically
from belarus_trade.i18n import N_, SOURCE_LANGUAGE, closed, speaking, tr
from belarus_trade.publish.editions import read_editions
from belarus_trade.site.book_citation import EDITION_SETTING, BookCitation, citing, edition_setting, from_settings
from belarus_trade.site.page_inputs import PageInputs

CFF_NAME = "CITATION.cff"
ENV_KEY = "belarus_trade_how_to_cite"  # {docname: the citation the page was read with}
# The article the book is built on and the policy text beside it (book/references.bib).
CFF_REFERENCES = [
    {"type": "article", "title": "Контуры торгового взаимодействия России и Беларуси в новой геоэкономической реальности",
     # The text the book was given does not name the article's author; CFF requires one, so "anonymous", and says why.
     "authors": [{"name": "anonymous"}], "journal": "Vestnik Instituta Ekonomiki Rossiiskoi Akademii Nauk",
     "year": 2025, "issue": "2", "start": "185", "end": "200", "languages": ["ru"],
     "notes": "The author's name is not part of the text the book was given (its PDF's extracted text)."},
    {"type": "article", "title": "Belarus and Russia Advance Economic Integration (Part Two)",
     "authors": [{"family-names": "Preiherman", "given-names": "Yauheni"}], "journal": "Eurasia Daily Monitor",
     "year": 2023, "month": 5},
]
TEXT = {
    "no_edition": N_("not yet published as an edition"),
    "snapshot": N_("data snapshot {snapshot}"),
    # GOST R 7.0.100–2018's areas of an electronic resource, in the Russian reference.
    "ed": N_("Edition {number}"),
    "electronic": N_("Text : electronic."),
}


def book_citation(book_dir: Path = BOOK_DIR, language: str = SOURCE_LANGUAGE, edition: dict | None = None) -> BookCitation:
    """The book in `book_dir` as a citation in `language` names it: as its last published edition
    (what `CITATION.cff` names), or as `edition` (`EDITION_SETTING`'s value: `edition_of_build` for
    the pages of a build, as a render finds it in its settings)."""
    config = yaml.safe_load((book_dir / "_config.yml").read_text(encoding="utf-8"))
    if edition is None:
        editions = read_editions(book_dir)
        edition = edition_setting(editions[-1], True) if editions else {}
    with speaking(language):  # messages of code.po (site.language translates them too)
        title, author = (tr(config[key]) for key in ("title", "author"))
    return citing(title, author, language, edition, str((config.get("html") or {}).get("baseurl") or ""),
                  str(config.get("copyright", "")))


def meta_tags(citation: BookCitation, page_title: str, page_url: str = "") -> list[tuple[str, str]]:
    """The page's `citation_*` tags: a chapter of the book (Zotero reads a `bookSection`); the
    edition and its date only when the pages are that edition; `page_url` the page's canonical
    address (Sphinx's `pageurl`, when `_config.yml` sets the site's)."""
    tags = [("citation_title", page_title or citation.title), ("citation_book_title", citation.title),
            ("citation_author", citation.author), ("citation_language", citation.language)]
    if citation.published:
        tags += [("citation_publication_date", citation.date.replace("-", "/")), ("prism.edition", str(citation.edition))]
    if page_url:
        tags.append(("citation_public_url", page_url))
    return tags


def bibtex(citation: BookCitation) -> str:
    """A BibTeX entry (`@book`), braces doubled around the names so no style reorders them."""
    fields = [("title", f"{{{citation.title}}}"), ("author", f"{{{citation.author}}}"), ("year", citation.year)]
    if citation.published:
        fields += [("edition", str(citation.edition)), ("date", citation.date)]
    if citation.snapshot:
        fields.append(("note", _with_language(citation, "snapshot").format(snapshot=citation.snapshot)))
    if citation.url:
        fields.append(("url", citation.url))
    fields.append(("langid", {"ru": "russian"}.get(citation.language, "english")))
    key = f"belarus_trade_book_{citation.edition if citation.published else 0}"
    return "@book{" + key + ",\n" + ",\n".join(f"  {name} = {{{value}}}" for name, value in fields) + "\n}\n"


def ris(citation: BookCitation) -> str:
    """An RIS record (EndNote, Zotero, Mendeley import it)."""
    lines = [("TY", "BOOK"), ("TI", citation.title), ("AU", citation.author), ("PY", citation.year)]
    if citation.published:
        lines += [("ET", str(citation.edition)), ("DA", citation.date.replace("-", "/"))]
    if citation.snapshot:
        lines.append(("N1", _with_language(citation, "snapshot").format(snapshot=citation.snapshot)))
    if citation.url:
        lines.append(("UR", citation.url))
    lines += [("LA", citation.language), ("ER", "")]
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in lines)


def text(citation: BookCitation) -> str:
    """The reference as the page's language writes it: an author–date line in English, GOST R
    7.0.100–2018 (an electronic resource) in Russian."""
    with speaking(citation.language):
        snapshot = _t("snapshot").format(snapshot=citation.snapshot) if citation.snapshot else ""
        if citation.language == "ru":
            parts = [f"{citation.title} / {citation.author}"]
            parts += [_t("ed").format(number=citation.edition)] if citation.published else [citation.edition_text()] if citation.edition else []
            parts += [citation.year] + ([snapshot] if snapshot else []) + ([f"URL: {citation.url}"] if citation.url else [])
            return " – ".join(closed(part) for part in parts) + " – " + _t("electronic")
        which = citation.edition_text() if citation.edition else _t("no_edition")
        return (f"{citation.author} ({citation.year}). {citation.title}, {which}"
                + (f" ({snapshot})" if snapshot else "") + "." + (f" {citation.url}" if citation.url else ""))


def _t(key: str) -> str:
    """`TEXT[key]` in the current language."""
    message = TEXT[key]
    return tr(message)


def _with_language(citation: BookCitation, key: str) -> str:
    with speaking(citation.language):
        return _t(key)


def cff(citation: BookCitation) -> dict:
    """The project's `CITATION.cff` (Citation File Format 1.2.0): the book as its last edition."""
    record = {
        "cff-version": "1.2.0",
        "message": "If you use this book, please cite the edition you read, as below.",
        "type": "dataset",
        "title": citation.title,
        "authors": [{"name": citation.author}],
        "abstract": ("A living book that turns a journal article on Belarus–Russia trade, 2000–2024, into executed, "
                     "re-runnable notebooks in English and Russian, computed from a snapshot of official statistics."),
        "keywords": ["Belarus", "Russia", "trade", "Union State", "sanctions", "Jupyter Book"],
    }
    if citation.published:
        record |= {"version": str(citation.edition), "date-released": citation.date}
    if citation.url:
        record["url"] = citation.url
    preferred = {"type": "book", "title": citation.title, "authors": [{"name": citation.author}], "languages": ["en", "ru"]}
    if citation.published:
        preferred |= {"edition": str(citation.edition), "year": int(citation.year), "month": int(citation.date[5:7])}
    record["preferred-citation"] = preferred
    record["references"] = CFF_REFERENCES
    return record


def cff_text(citation: BookCitation) -> str:
    return yaml.safe_dump(cff(citation), allow_unicode=True, sort_keys=False, width=100)


def write_citation_file(book_dir: Path = BOOK_DIR, project_root: Path = PROJECT_ROOT) -> Path:
    """`CITATION.cff` beside the project's README, for the last published edition."""
    path = project_root / CFF_NAME
    write_atomically(path, cff_text(book_citation(book_dir)))
    return path


# --- the book's pages ---------------------------------------------------------------------------

def _citation(app) -> BookCitation:
    return from_settings(app.config)


def _citation_in_context(app, pagename, templatename, context, doctree) -> None:
    citation = _citation(app)
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else ""
    context["bt_citation_meta"] = meta_tags(citation, title, context.get("pageurl") or "")


class HowToCite(SphinxDirective):
    """`{how-to-cite}`: the book's reference, BibTeX and RIS as literal blocks (text, never markup)."""

    def run(self):
        citation = _citation(self.env.app)
        PAGES.note(self.env, citation)  # a new edition changes the page though its Markdown did not
        # Written in the page's language here, so not messages for the translators (translatable=False).
        parts = [nodes.paragraph("", text(citation), classes=["bt-reference"], translatable=False)]
        for label, content, language in (("BibTeX", bibtex(citation), "bibtex"), ("RIS", ris(citation), "text")):
            parts.append(nodes.rubric("", label, translatable=False))
            parts.append(nodes.literal_block(content, content, language=language))
        return parts


PAGES = PageInputs(ENV_KEY, _citation)


def setup(app):
    if EDITION_SETTING not in app.config:  # the What changed extension sets it
        app.add_config_value(EDITION_SETTING, {}, "html")
    app.add_directive("how-to-cite", HowToCite)
    app.connect("html-page-context", _citation_in_context)
    PAGES.connect(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

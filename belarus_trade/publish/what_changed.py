"""The book's What changed page: `{what-changed}` renders, at build time, what moved since the last edition.

The directive compares this build with the last published edition (`editions.changes_to_show`)
and writes the data revisions and the numbers of the text that moved as docutils tables, so
every value from the data or the notebooks reaches the page as escaped text, never as markup.
It runs when Sphinx reads the page, so nothing is re-executed; Sphinx re-reads the page
whenever the records, the data or the chapters it compares change (`PAGES`, `site.page_inputs`), not only
when its own Markdown does. Every visible string is in `TEXT`, marked for the code catalogue
(`N_`) and shown in the page's language (`tr`).

Editions record the source-language (English) book: its chapters' numbers and sentences. A
translated site's page compares the same records with the same English build (the source book,
`belarus_trade_records_dir`), says so, and marks the recorded numbers and sentences as English
text (`lang="en"`): a reader sees what the editions recorded, never a difference that is only a
decimal comma.

It also tells the site's citation panels which edition this build is (`_edition_of_this_build`):
only this stage can compare the build with the published records.
"""
from __future__ import annotations

import hashlib
import html
import posixpath
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from belarus_trade.build import BuildError
from belarus_trade.build.book import chapters
from belarus_trade.data.changes import TOP, ResourceChanges, Revision, format_absolute, format_relative, format_value
from belarus_trade.data.manifest import DataError, resolve_data_dir
from belarus_trade.i18n import N_, SOURCE_LANGUAGE, current, date, ngettext, tr, use
from belarus_trade.publish.editions import EditionChanges, ResourceRevision, changes_to_show, edition_of_build, editions_dir
from belarus_trade.site.book_citation import EDITION_SETTING
from belarus_trade.site.page_inputs import PageInputs
from belarus_trade.site.past_editions import SITE_FOLDER, kept_editions

ENV_KEY = "belarus_trade_what_changed"  # {docname: digest of what the page compared}

TEXT = {
    "first_edition": N_("This is the first edition of the book: there is no earlier edition to compare it with."),
    "compared": N_("This page compares {new} with {old}."),
    "edition": N_("edition {number} of {date} (data snapshot {snapshot})"),
    "this_build": N_("this build (data snapshot {snapshot}, not yet published)"),
    "data_title": N_("Data revisions"),
    "data_same": N_("Every data file is the same as in {old}."),
    "overview_caption": N_("Data files: retrieval dates and what changed"),
    "overview_header": [N_("Dataset"), N_("Retrieved"), N_("Rows"), N_("What changed")],
    "new_dataset": N_("new"),
    "dropped_dataset": N_("no longer in the book"),
    "same_file": N_("same file"),
    "years_added": N_("years added: {years}"),
    "years_removed": N_("years removed: {years}"),
    "series_added": N_("series appearing: {count}"),
    "series_removed": N_("series disappearing: {count}"),
    "values_revised": N_("values revised: {count}"),
    "rows_only": N_("rows reordered or rewritten, same values"),
    "arrow": "{old} → {new}",
    "series_caption": N_("{name}: series appearing and disappearing ({key})"),
    "series_header": [N_("Series"), N_("Change")],
    "appearing": N_("appearing"),
    "disappearing": N_("disappearing"),
    "revisions_caption": N_("{name}: the largest revisions, by relative size"),
    "revisions_header": [N_("Row ({key})"), N_("Value"), N_("Old"), N_("New"), N_("Change"), N_("Relative change")],
    "from_zero": N_("from zero"),
    "more": N_("… and {count} more."),
    "numbers_title": N_("Numbers in the text that moved"),
    "numbers_none": N_("No number in the text moved."),
    "numbers_caption": N_("Numbers in the text that moved, in reading order"),
    "numbers_header": [N_("Chapter"), N_("Old"), N_("New"), N_("The sentence as it reads now")],
}


def _t(key: str):
    """`TEXT[key]` in the page's language (a list of headers item by item)."""
    text = TEXT[key]
    return [tr(item) for item in text] if isinstance(text, list) else tr(text)


def _recorded(text: str) -> nodes.Node | str:
    """Text as the editions recorded it (English), marked so on a translated page."""
    if current() == SOURCE_LANGUAGE:
        return text
    return nodes.inline(text, text, classes=["language-en"])


def records_dir(srcdir: str, config) -> Path:
    """The book whose editions and chapters the page compares: the source-language book."""
    return Path(config.belarus_trade_records_dir or srcdir)


class WhatChanged(SphinxDirective):
    """`{what-changed}`: the comparison of this build with the last edition, as sections and tables."""

    def run(self):
        book_dir = records_dir(self.env.srcdir, self.config)
        data_dir = resolve_data_dir(self.config.belarus_trade_data_dir or None)
        PAGES.note(self.env, inputs_digest(book_dir, data_dir))
        try:
            shown = changes_to_show(book_dir, data_dir)
        except (BuildError, DataError) as error:  # one line in the build's log, which then fails
            return [self.state.document.reporter.error(f"what-changed: {error}", line=self.lineno)]
        if shown is None:
            return [_paragraph(_t("first_edition"))]
        old, new = _label(shown.old), _label(shown.new)
        return [_paragraph(_t("compared").format(new=new, old=old)),
                _section("data-revisions", _t("data_title"), _data_revisions(shown, old)),
                _section("numbers-that-moved", _t("numbers_title"), self._moved_numbers(shown))]

    def _moved_numbers(self, shown: EditionChanges) -> list[nodes.Node]:
        body: list[nodes.Node] = []
        if shown.moved and current() != SOURCE_LANGUAGE:
            # The editions record the English text: a translated page counts what moved and leaves the
            # English numbers and sentences to the English version of the page.
            body.append(_paragraph(ngettext(
                "{count} number in the text moved. The editions record the English text of the book, so it is listed, "
                "with its sentence, on the English version of this page.",
                "{count} numbers in the text moved. The editions record the English text of the book, so they are listed, "
                "with their sentences, on the English version of this page.", len(shown.moved)).format(count=len(shown.moved))))
        elif shown.moved:
            kept = kept_editions(editions_dir(records_dir(self.env.srcdir, self.config)))
            old_edition = shown.old["edition"] if shown.old["edition"] in kept else None
            rows = [[self._chapter(m.chapter), self._on_page(m.old, m.chapter, old_edition), self._on_page(m.new, m.chapter),
                     _recorded(m.sentence)] for m in shown.moved]
            body.append(_table(_t("numbers_caption"), _t("numbers_header"), rows, ("bt-changes-sentences",)))
        else:
            body.append(_paragraph(_t("numbers_none")))
        if shown.numbers_added or shown.numbers_removed:
            body.append(_paragraph(ngettext("Text edits added {count} number and took out {removed}.",
                                             "Text edits added {count} numbers and took out {removed}.",
                                             shown.numbers_added).format(count=shown.numbers_added, removed=shown.numbers_removed)))
        return body

    def _on_page(self, number: str, chapter: str, edition: int | None = None) -> nodes.Node:
        """The number (as the English text recorded it: only the source-language page lists them) as a
        link to the page that shows it: the chapter as it is now, or as `edition` published it (its
        kept pages, `site.past_editions`); plain text when the site has no such page."""
        if f"chapters/{chapter}" not in self.env.found_docs:
            return nodes.Text(number)
        page = f"chapters/{chapter}{self.config.html_file_suffix or '.html'}"
        if edition is not None:
            page = f"{SITE_FOLDER}/{edition}/{page}"
        return nodes.reference(number, number, refuri=posixpath.relpath(page, posixpath.dirname(self.env.docname) or "."))

    def _chapter(self, chapter: str) -> nodes.Node:
        """A link to the chapter, titled as it is; plain text if the book no longer has it."""
        docname = f"chapters/{chapter}"
        if docname not in self.env.found_docs:
            return nodes.Text(chapter)
        reference = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{docname}", refexplicit=False)
        reference += nodes.inline(chapter, chapter)
        return reference


def _label(record: dict) -> str:
    if record["edition"] is None:
        return _t("this_build").format(snapshot=record["snapshot"])
    return _t("edition").format(number=record["edition"], date=date(record["date"]), snapshot=record["snapshot"])


def _data_revisions(shown: EditionChanges, old_label: str) -> list[nodes.Node]:
    changed = [r for r in shown.resources if r.changes is not None or r.new is None]
    dated = [r for r in shown.resources if r.old and r.new and r.old.get("retrieved") != r.new.get("retrieved")]
    if not changed and not dated:
        return [_paragraph(_t("data_same").format(old=old_label))]
    body: list[nodes.Node] = [_table(_t("overview_caption"), _t("overview_header"), [_overview_row(r) for r in shown.resources])]
    for revision in changed:
        changes = revision.changes
        if changes is None:
            continue
        key = ", ".join(changes.series_key)
        series = [[_recorded(" / ".join(s)), _t("appearing")] for s in changes.series_added[:TOP]]
        series += [[_recorded(" / ".join(s)), _t("disappearing")] for s in changes.series_removed[:TOP]]
        if series:
            body.append(_table(_t("series_caption").format(name=revision.name, key=key), _t("series_header"), series))
            hidden = max(len(changes.series_added) - TOP, 0) + max(len(changes.series_removed) - TOP, 0)
            if hidden:
                body.append(_paragraph(_t("more").format(count=hidden)))
        if changes.revisions:
            rows = [_revision_row(r) for r in changes.revisions[:TOP]]
            header = [_t("revisions_header")[0].format(key=", ".join(changes.key)), *_t("revisions_header")[1:]]
            body.append(_table(_t("revisions_caption").format(name=revision.name), header, rows))
            if len(changes.revisions) > TOP:
                body.append(_paragraph(_t("more").format(count=len(changes.revisions) - TOP)))
    return body


def _overview_row(revision: ResourceRevision) -> list[str]:
    old, new, changes = revision.old, revision.new, revision.changes
    if new is None:
        return [revision.name, date(old.get("retrieved") or ""), str(old.get("rows")), _t("dropped_dataset")]
    retrieved = date(new.get("retrieved") or "")
    if old is not None and old.get("retrieved") != new.get("retrieved"):
        retrieved = _t("arrow").format(old=date(old.get("retrieved") or ""), new=retrieved)
    elif old is None:
        retrieved = f"{retrieved} ({_t('new_dataset')})"
    if changes is None:
        return [revision.name, retrieved, str(new.get("rows")), _t("same_file")]
    return [revision.name, retrieved, _t("arrow").format(old=changes.old_rows, new=changes.new_rows), _summary(changes)]


def _summary(changes: ResourceChanges) -> str:
    """What changed in a resource, in words: only what did."""
    facts = [tr(TEXT[label]).format(years=", ".join(map(str, years))) for label, years in
             (("years_added", changes.years_added), ("years_removed", changes.years_removed)) if years]
    facts += [tr(TEXT[label]).format(count=len(found)) for label, found in
              (("series_added", changes.series_added), ("series_removed", changes.series_removed),
               ("values_revised", changes.revisions)) if found]
    return "; ".join(facts) or _t("rows_only")


def _revision_row(revision: Revision) -> list[str]:
    from_zero = revision.absolute is not None and revision.relative is None
    return [_recorded(" / ".join(revision.key)), _recorded(revision.column), _recorded(format_value(revision.old)),
            _recorded(format_value(revision.new)), _recorded(format_absolute(revision)),
            _t("from_zero") if from_zero else _recorded(format_relative(revision))]


def _paragraph(text: str) -> nodes.paragraph:
    return nodes.paragraph(text, text, translatable=False)  # already in the page's language (`tr`)


def _section(identifier: str, title: str, body: list[nodes.Node]) -> nodes.section:
    section = nodes.section(ids=[f"what-changed-{identifier}"])
    section += nodes.title(title, title, translatable=False)
    section += body
    return section


class scroll_region(nodes.General, nodes.Element):
    """A table wider than the page scrolls sideways in its own region, which the keyboard can reach
    (the book's table frame, styled by bt-charts.css)."""


def _visit_scroll_region(translator, node) -> None:
    translator.body.append('<div class="bt-table-frame"><div class="bt-table-scroll" role="region" tabindex="0" '
                           f'aria-label="{html.escape(node["label"], quote=True)}">')


def _depart_scroll_region(translator, node) -> None:
    translator.body.append("</div></div>")


def _table(caption: str, header: list[str], rows: list[list], classes: tuple[str, ...] = ()) -> scroll_region:
    """A table whose cells hold text or a ready node; text stays text, whatever it contains."""
    table = nodes.table(classes=["bt-changes", *classes])
    table += nodes.title(caption, caption, translatable=False)
    group = nodes.tgroup(cols=len(header))
    table += group
    group += [nodes.colspec(colwidth=1) for _ in header]
    group += nodes.thead("", _row(header))
    group += nodes.tbody("", *[_row(cells) for cells in rows])
    # Shown as written: Sphinx's smart quotes would change the quotes of a value from the data.
    return scroll_region("", table, label=caption, support_smartquotes=False)


def _row(cells: list) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        content = cell if isinstance(cell, nodes.Node) else nodes.Text(str(cell))
        row += nodes.entry("", nodes.paragraph("", "", content, translatable=False))
    return row


def inputs_digest(book_dir: Path, data_dir: Path) -> str:
    """What the page compares: the published records and the kept pages it links, the data files,
    the table of contents and the executed chapters (their sentences and stored numbers)."""
    kept = editions_dir(book_dir)
    files = [*sorted(kept.glob("*.json")), *kept_editions(kept).values(), *sorted(p for p in data_dir.iterdir() if p.is_file()),
             book_dir / "_toc.yml", *(chapter.path for chapter in chapters(book_dir))]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _inputs_now(app) -> str:
    return inputs_digest(records_dir(app.srcdir, app.config), resolve_data_dir(app.config.belarus_trade_data_dir or None))


PAGES = PageInputs(ENV_KEY, _inputs_now)  # the page is read again when what it compares changes


def _use_language(app, config) -> None:
    """The page's language for `TEXT` (site.language does the same for the book; here for this extension alone)."""
    use(config.language or SOURCE_LANGUAGE)


def _edition_of_this_build(app, config) -> None:
    """The edition the site's citations name (`book_citation.EDITION_SETTING`): set before the
    builder starts, so pages are written again when it changes. A record that cannot be read fails
    the render, as it fails this page."""
    try:
        setting = edition_of_build(records_dir(app.srcdir, config), resolve_data_dir(config.belarus_trade_data_dir or None))
    except (BuildError, DataError) as error:
        logging.getLogger(__name__).warning(f"citations: {error}")
        setting = {}
    setattr(config, EDITION_SETTING, setting)


def setup(app):
    # Registered by the site's extension for the book; here too, so a test can load this extension alone.
    if "belarus_trade_data_dir" not in app.config:
        app.add_config_value("belarus_trade_data_dir", "", "html")
    if "belarus_trade_records_dir" not in app.config:
        app.add_config_value("belarus_trade_records_dir", "", "env")
    if EDITION_SETTING not in app.config:
        app.add_config_value(EDITION_SETTING, {}, "html")
    app.add_node(scroll_region, html=(_visit_scroll_region, _depart_scroll_region))
    app.add_directive("what-changed", WhatChanged)
    app.connect("config-inited", _use_language)
    app.connect("config-inited", _edition_of_this_build)
    PAGES.connect(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

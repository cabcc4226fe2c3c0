"""`make translations`: the book's English text extracted into gettext catalogues, and their state.

Two kinds of text are extracted, both into `book/_build/gettext/*.pot`:

- the pages' prose, by Sphinx's gettext builder, one template per page (`gettext_compact` is off);
  a message keeps its MyST markup, `{eval}` roles included, which a translation keeps verbatim;
- what the code writes (`i18n.tr`, `trc`, `N_`, and the plural messages of `ngettext` and
  `npgettext`, in the package and in the chapters' code cells; the book's title and author; the
  words the data carry: `DATA_TEXT` and the manifest's titles and licences, `MANIFEST_TEXT`),
  into `code.pot`;
- the theme's words: those of the book's own templates (`belarus_trade/site/templates`, by the gettext
  builder) and `THEME_WORDS`, into `sphinx.pot` (Sphinx's domain for templates).

sphinx-intl then merges the templates into `book/locales/<language>/LC_MESSAGES/`: a new English
message arrives untranslated, a changed one fuzzy, so the translation gate (`catalogue_states`,
read by `tests/build/test_translations.py` in `make test`) names every message a translation still lacks.
"""
from __future__ import annotations

import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from belarus_trade import BOOK_DIR, PROJECT_ROOT
from belarus_trade.i18n import CODE_DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE

PACKAGE_DIR = PROJECT_ROOT / "belarus_trade"
# trc(context, message): msgctxt; ngettext(singular, plural, count) and npgettext(context, ...): plural forms.
KEYWORDS = {"tr": None, "N_": None, "trc": ((1, "c"), 2), "ngettext": (1, 2), "npgettext": ((1, "c"), 2, 3)}
# Text the book itself wrote into its data (resource → columns), shown translated with `tr`.
DATA_TEXT = {"union_state_agreements": ("area", "agreement", "summary")}
# The manifest's words a page shows: each file's title, its sources' titles and publishers, its
# licences (source lines under charts and tables, the appendix's table of files).
MANIFEST_TEXT = {"title": (), "sources": ("title", "publisher"), "licenses": ("name", "title")}


def manifest_entries() -> list[str]:
    """The manifest's words a page shows (`MANIFEST_TEXT`), of every file and every pending series."""
    from belarus_trade.data.manifest import PENDING_KEY, read_manifest

    manifest = read_manifest()
    entries = []
    for resource in manifest["resources"] + manifest.get(PENDING_KEY, []):
        for field, keys in MANIFEST_TEXT.items():
            values = [resource.get(field)] if not keys else [item.get(key) for item in resource.get(field, []) for key in keys]
            entries += [value for value in values if isinstance(value, str) and value]
    return entries


def extract_pages(book_dir: Path, pot_dir: Path) -> None:
    """One .pot per page from Sphinx's gettext builder (no source locations: they name this machine's paths)."""
    from jupyter_book.sphinx import build_sphinx

    with tempfile.TemporaryDirectory(prefix="belarus-trade-gettext-") as doctrees:
        status = build_sphinx(
            str(book_dir), str(pot_dir), doctreedir=doctrees, path_config=str(book_dir / "_config.yml"),
            use_external_toc=True, noconfig=True, builder="gettext", quiet=True, keep_going=True,
            confoverrides={"external_toc_path": (book_dir / "_toc.yml").as_posix(), "latex_individualpages": False,
                           "gettext_location": False, "gettext_last_translator": "", "gettext_language_team": ""},
        )
    if status:
        raise RuntimeError(f"Sphinx's gettext builder failed with status {status}")


# Words of the theme's own templates that show on every page and that neither Sphinx nor the theme
# translates into every language (or translates as a calque: Sphinx's Russian "© Копирайт"); the
# gettext builder only reads the book's templates (belarus_trade/site/templates).
THEME_WORDS = ("Back to top", "Color mode", "System Settings", "Version warning",  # pydata-sphinx-theme's
               "© Copyright %(copyright)s.")


def _add_theme_words(template: Path) -> None:
    """The theme's words added to the template of Sphinx's own message domain (`sphinx.pot`)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    catalogue = Catalog(project="belarus-trade-book")
    if template.is_file():
        with open(template, "rb") as stream:
            catalogue = read_po(stream)
    for word in THEME_WORDS:
        catalogue.add(word)
    with open(template, "wb") as stream:
        write_po(stream, catalogue, width=76)


def code_entries(book_dir: Path) -> list[tuple[str | None, str]]:
    """(context, message) of every string the package and the chapters' code cells mark with `tr`, `trc`
    or `N_`, the book's title and author, and the words of the data the book wrote itself (`DATA_TEXT`)."""
    import yaml
    from babel.messages.extract import extract

    sources = [path.read_text(encoding="utf-8") for path in sorted(PACKAGE_DIR.rglob("*.py"))]
    for notebook in sorted((book_dir / "chapters").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        sources += ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    config = yaml.safe_load((book_dir / "_config.yml").read_text(encoding="utf-8"))
    entries = [(None, config["title"]), (None, config["author"])]
    for source in sources:
        # IPython magics are not Python; chapters have none, but a line starting with % would stop the parser.
        entries += [(context, message) for _, message, _, context in extract("python", io.BytesIO(source.encode()), keywords=KEYWORDS)
                    if isinstance(message, (str, tuple))]
    from belarus_trade.data.loading import load

    for resource, columns in DATA_TEXT.items():
        frame = load(resource)
        entries += [(None, str(value)) for column in columns for value in frame[column].dropna()]
    entries += [(None, text) for text in manifest_entries()]
    return list(dict.fromkeys(entries))


def write_code_template(book_dir: Path, pot_dir: Path) -> Path:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalogue = Catalog(project="belarus-trade-book")
    for context, message in code_entries(book_dir):
        catalogue.add(message, context=context)
    pot = pot_dir / f"{CODE_DOMAIN}.pot"
    pot_dir.mkdir(parents=True, exist_ok=True)
    with open(pot, "wb") as stream:
        write_po(stream, catalogue, omit_header=False, sort_output=False, width=76)
    return pot


def update_catalogues(book_dir: Path = BOOK_DIR, languages=LANGUAGES[1:]) -> dict:
    """Extract every template and merge it into each language's catalogues (sphinx-intl)."""
    from sphinx_intl.basic import update

    pot_dir = book_dir / "_build" / "gettext"
    extract_pages(book_dir, pot_dir)
    _add_theme_words(pot_dir / "sphinx.pot")
    code_template = write_code_template(book_dir, pot_dir)
    status = update(str(book_dir / LOCALE_DIR.name), str(pot_dir), tuple(languages), jobs=1)
    for language in languages:
        _merge_contexts(code_template, book_dir / LOCALE_DIR.name / language / "LC_MESSAGES" / code_template.with_suffix(".po").name)
    return status


def _merge_contexts(template: Path, catalogue: Path) -> None:
    """sphinx-intl writes a catalogue only when its set of msgids changed, so a known msgid in a new
    msgctxt ("Figure" for a caption, and for a cross-reference) would never arrive: merge again,
    keyed by (msgctxt, msgid)."""
    from sphinx_intl import catalog

    if not catalogue.is_file():
        return
    merged = catalog.load_po(str(catalogue))
    keys = {(m.context, m.id) for m in merged if m.id}
    catalog.update_with_fuzzy(merged, catalog.load_po(str(template)))
    if {(m.context, m.id) for m in merged if m.id} != keys:
        catalog.dump_po(str(catalogue), merged, width=76)


@dataclass(frozen=True)
class CatalogueState:
    path: Path
    translated: int
    fuzzy: list[str]
    untranslated: list[str]


def catalogue_states(language: str, locale_dir: Path = LOCALE_DIR) -> list[CatalogueState]:
    """Each catalogue of `language`: how many messages are translated, and which are fuzzy or empty."""
    from babel.messages.pofile import read_po

    states = []
    for path in sorted((locale_dir / language / "LC_MESSAGES").rglob("*.po")):
        with open(path, "rb") as stream:
            catalogue = read_po(stream)
        messages = [m for m in catalogue if m.id]
        states.append(CatalogueState(
            path=path,
            translated=sum(1 for m in messages if _translated(m) and not m.fuzzy),
            fuzzy=[_english(m) for m in messages if m.fuzzy],
            untranslated=[_english(m) for m in messages if not _translated(m)],
        ))
    return states


def _translated(message) -> bool:
    """Every form written: a plural message has one per plural form of the language."""
    forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return all(forms)


def _english(message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def summary(language: str) -> str:
    """One line per catalogue, like `msgfmt --statistics`."""
    lines = []
    for state in catalogue_states(language):
        total = state.translated + len(state.fuzzy) + len(state.untranslated)
        lines.append(f"{state.path.relative_to(LOCALE_DIR)}: {state.translated} translated, {len(state.fuzzy)} fuzzy, "
                     f"{len(state.untranslated)} untranslated ({100 * state.translated // max(total, 1)} %)")
    return "\n".join(lines)


def main() -> None:
    status = update_catalogues()
    print(f"catalogues: {status['create']} created, {status['update']} updated, {status['notchanged']} unchanged")
    for language in LANGUAGES:
        if language != SOURCE_LANGUAGE:
            print(summary(language))

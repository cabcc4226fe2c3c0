"""The translators' catalogues are input: read with limits and checked before anything uses them.

A translation reaches a page through Sphinx, which reads each message as MyST, and a notebook
through `notebooks.translated_notebook`, and what the code writes through `i18n.tr`. So a
translation could do what the English text never does: run raw HTML on the page, pull a file of
the build machine in with `{include}` or `{download}`, hide an `{eval}` the engine would run, point
a link elsewhere, or break a `.format()` placeholder. `check_language` refuses, before anything
executes or renders in that language, every translation that

- is not UTF-8, does not parse as a PO file, or makes its catalogue larger than `MAX_BYTES`;
- in a page's catalogue, has other roles than its message (`{sub}` and `{sup}` only set type, and
  their text is translated, so only their names are compared), other code spans, other link
  targets, HTML its message does not have, or a fence (a directive or a code block);
- in the catalogues of what the code and the templates write, has a placeholder (`{name}`,
  `%(name)s`, `%s`) or HTML its message does not have.

A page's messages are inline Markdown (a paragraph, a heading, a table cell, a title): message and
translation are both read with MyST's parser, as Sphinx reads them. The message a translation is
held to is the English its own msgid gives; Sphinx only ever shows a translation in place of it.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

from belarus_trade.build import BuildError
from belarus_trade.i18n import CODE_DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE

MAX_BYTES = 2 * 1024 * 1024  # per catalogue; the largest today is 82 kB
TYPESETTING_ROLES = {"sub", "sup"}
HTML_TAG = re.compile(r"<[/!?]?[A-Za-z][^>]*>?")
# A line of a PO file: a comment, a keyword with its quoted string, a continued string, or nothing
# (babel's reader quietly cuts a string with no closing quote; msgfmt refuses it, and so does this).
PO_LINE = re.compile(r'\s*(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*")?\s*')
PLACEHOLDER = re.compile(r"\{[A-Za-z_][\w.\[\]]*(?:![rsa])?(?::[^{}]*)?\}|%\([A-Za-z_]\w*\)[#0\- +]?\d*(?:\.\d+)?[sdifr]|%[sdifr]")


class CatalogueError(BuildError):
    """A catalogue cannot be used; the message is one line naming the catalogue, the message and what is wrong."""


def read_catalogue(path: Path):
    """The catalogue at `path` (babel's `Catalog`), read within the size cap, as UTF-8, strictly."""
    from babel.messages.pofile import PoFileError, read_po

    name = _name(path)
    if not path.is_file():  # a pipe or a device named like a catalogue would block the build
        raise CatalogueError(f"{name}: not a regular file")
    with open(path, "rb") as stream:
        raw = stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise CatalogueError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MiB; a catalogue holds one page's messages")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise CatalogueError(f"{name}, line {line}: not UTF-8 (save the catalogue as UTF-8)") from None
    for number, line in enumerate(text.splitlines(), 1):
        if not PO_LINE.fullmatch(line):
            raise CatalogueError(f"{name}, line {number}: not a line of a PO file: {_quoted(line)}")
    try:
        return read_po(io.BytesIO(raw), abort_invalid=True, charset="utf-8")
    except PoFileError as error:
        raise CatalogueError(f"{name}: not a valid PO file: {_one_line(str(error))}") from None
    except (ValueError, LookupError) as error:  # a header babel cannot read (a bad charset, a bad plural rule)
        raise CatalogueError(f"{name}: not a valid PO file: {_one_line(str(error))}") from None


def check_catalogues(book_dir: Path) -> None:
    """Every translated language's catalogues (the book's, which Sphinx renders, and the code's,
    which the chapters read) checked before anything runs or renders in its language."""
    for language in LANGUAGES:
        if language != SOURCE_LANGUAGE:
            for locale_dir in dict.fromkeys([book_dir / LOCALE_DIR.name, LOCALE_DIR]):
                check_language(language, locale_dir)


def check_language(language: str, locale_dir: Path = LOCALE_DIR) -> None:
    """Check every catalogue of `language` (see the module's docstring); the first fault raises."""
    folder = locale_dir / language / "LC_MESSAGES"
    for path in sorted(folder.rglob("*.po")) if folder.is_dir() else ():
        checked_catalogue(path, markdown=path.parent != folder or path.stem not in TEXT_DOMAINS)


TEXT_DOMAINS = (CODE_DOMAIN, "sphinx", "exercise")  # what the code and the templates write; every other catalogue is a page's


def checked_catalogue(path: Path, markdown: bool):
    """One catalogue, read and checked: a page's (`markdown`: its messages are MyST) or one of the
    code's and templates'."""
    catalogue = read_catalogue(path)
    for message in catalogue:
        if not message.id or not message.string:
            continue
        english = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        translations = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        for translation in translations:
            if not translation:
                continue
            problem = markdown_problem(english[0], translation) if markdown else text_problem(english, translation)
            if problem:
                raise CatalogueError(f"{_name(path)}, line {message.lineno}: the translation of {_quoted(english[0])} {problem}")
    return catalogue


def markdown_problem(message: str, translation: str) -> str | None:
    """What a page's translation does that its message does not, or None; both read by MyST's parser."""
    wanted, given = _markup(message), _markup(translation)
    added = sorted({name for kind, name, _ in given if kind == "role"} - {name for kind, name, _ in wanted if kind == "role"})
    if added:
        return f"adds the role {{{added[0]}}}"
    for kind, fault in (("role", None), ("code", "does not keep the message's code spans (`...`) as they are"),
                        ("link", "does not keep the message's link targets")):
        kept = Counter(item for item in wanted if item[0] == kind and item[1] not in TYPESETTING_ROLES)
        changed = (kept - given) or (Counter(item for item in given if item[0] == kind and item[1] not in TYPESETTING_ROLES) - kept)
        if changed:
            _, name, text = next(iter(changed))
            return fault or f"does not keep the role {{{name}}}`{_quoted(text, 40)[1:-1]}` as the message has it"
    if Counter(item for item in given if item[0] == "fence") - Counter(item for item in wanted if item[0] == "fence"):
        return "opens a fenced block (a directive or code), which a message never holds"
    extra = Counter(item for item in given if item[0] == "html") - Counter(item for item in wanted if item[0] == "html")
    return f"adds HTML ({_quoted(next(iter(extra))[2])})" if extra else None


def _markup(text: str) -> Counter:
    """Everything in a message that is more than text, as MyST reads it: ("role", name, text),
    ("code", "", text), ("link", "", target), ("html", "", source), ("fence", info, "")."""
    from belarus_trade.chapters.prose import markdown_parser

    found: Counter = Counter()

    def walk(tokens):
        for token in tokens:
            if token.type == "myst_role":
                found[("role", token.meta.get("name", ""), token.content)] += 1
            elif token.type == "code_inline":
                found[("code", "", token.content)] += 1
            elif token.type in ("link_open", "image"):
                found[("link", "", str(token.attrGet("href") or token.attrGet("src") or ""))] += 1
            elif token.type in ("html_inline", "html_block"):
                found[("html", "", token.content.strip())] += 1
            elif token.type in ("fence", "colon_fence", "code_block"):
                found[("fence", token.info.strip(), "")] += 1
            if token.children:
                walk(token.children)

    walk(markdown_parser().parse(text))
    return found


def text_problem(messages: tuple[str, ...], translation: str) -> str | None:
    """What a translation of a text the code or a template writes does that its message does not, or None."""
    allowed = Counter()
    for message in messages:
        allowed |= Counter(PLACEHOLDER.findall(message))
    extra = Counter(PLACEHOLDER.findall(translation)) - allowed
    if extra:  # one left out is no harm (the Russian "Показать код ячейки" needs no {type})
        return f"has the placeholder {next(iter(extra))}, which the message does not"
    return _added_html(" ".join(messages), translation)


def _added_html(message: str, translation: str) -> str | None:
    extra = Counter(HTML_TAG.findall(translation)) - Counter(HTML_TAG.findall(message))
    return f"adds HTML ({_quoted(next(iter(extra)))})" if extra else None


def _name(path: Path) -> str:
    parts = Path(path).parts
    return "/".join(parts[parts.index("locales"):]) if "locales" in parts else str(path)


def _quoted(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _one_line(text: str) -> str:
    return " ".join(text.split())

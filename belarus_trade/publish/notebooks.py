"""A chapter's notebook in a translated language: its Markdown in that language, its outputs from
the chapter executed in that language, for JupyterLab (`make lab-ru`) and the student kit.

Sphinx translates the pages at build time, message by message, from the catalogues of
`book/locales/<language>/LC_MESSAGES/chapters/`; a notebook opened in JupyterLab never passes
through Sphinx. So each Markdown cell is parsed with MyST's own parser, and every paragraph,
heading, list item, table cell and directive title whose text is a message of the chapter's
catalogue is replaced by its translation, in place, keeping the Markdown around it (list
markers, directive fences and options, code). The messages are exactly those Sphinx extracts
(the inline source with its line breaks as spaces), so a notebook is translated exactly when
its page is.

As a Sphinx extension, it gives a translated site the same notebooks: the copy of each chapter
in the site's `_sources/` (what the page's download button and each figure's "Cite or download"
panel offer) is the translated notebook, not the executed one whose Markdown is English.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from belarus_trade import BOOK_DIR, DATA_DIR, PROJECT_ROOT, i18n
from belarus_trade.build import BuildError
from belarus_trade.build.book import Chapter, chapters, executed_copy
from belarus_trade.build.files import write_atomically
from belarus_trade.chapters.prose import CODE_DIRECTIVES, OPTION_LINE, TRANSLATION_KEY, inline_expressions, markdown_parser
from belarus_trade.i18n import LOCALE_DIR, cross_reference
from belarus_trade.publish.owned import Written, write_owned
from belarus_trade.site.citation_panel import source_copy

REFERENCE = re.compile(r"\{ref\}`([^`<]+?) <([^`>]+)>`")  # {ref}`Figure 3c <fig-3c>`
DIRECTIVE_INFO = re.compile(r"^(\{[\w:-]+\})\s*(.*)$")  # "{exercise} Title"
LABEL_ARGUMENT = {"{solution}", "{solution-start}"}  # its argument names the exercise it solves: not text


def catalogue_messages(chapter_name: str, language: str, locale_dir: Path = LOCALE_DIR) -> dict[str, str]:
    """msgid → msgstr of a chapter's page catalogue (fuzzy and empty entries left out), read and
    checked as the build checks it (`catalogues`): a translation runs nothing and shows no markup
    its English message does not."""
    from belarus_trade.build.catalogues import checked_catalogue

    path = locale_dir / language / "LC_MESSAGES" / "chapters" / f"{chapter_name}.po"
    return {m.id: m.string for m in checked_catalogue(path, markdown=True) if m.id and m.string and not m.fuzzy}


def translate_markdown(source: str, messages: dict[str, str]) -> tuple[str, list[str]]:
    """`source` with each message replaced by its translation, and the messages that have none."""
    lines = source.split("\n")
    missing: list[str] = []
    _translate_lines(lines, 0, len(lines), messages, missing)
    return "\n".join(lines), missing


def _translate_lines(lines: list[str], start: int, end: int, messages: dict, missing: list) -> None:
    """Translate lines[start:end] in place (a cell, or a directive's body)."""
    tokens = markdown_parser().parse("\n".join(lines[start:end]))
    edits = []  # (first line, last line + 1, new lines), applied from the bottom up
    searched_from = {}  # line → where its next one-line message is looked for (a table row's cells, in order)
    for token in tokens:  # a fence is one token: its body is parsed again, by _translate_directive
        if token.map is None:
            continue
        first, last = start + token.map[0], start + token.map[1]
        if token.type in ("colon_fence", "fence") and DIRECTIVE_INFO.match(token.info):
            edits.append((first, last, _translate_directive(lines[first:last], token, messages, missing)))
        elif token.type == "inline" and token.content.strip():
            message = token.content.replace("\n", " ").strip()
            if message not in messages:
                missing.append(message)
                continue
            translation = _localise_references(messages[message])
            if "\n" in token.content:
                edits.append((first, last, _replace_lines(lines[first:last], token.content, translation)))
            else:
                _replace_in_line(lines, range(first, max(last, first + 1)), token.content, translation, searched_from)
    for first, last, new in sorted(edits, key=lambda edit: edit[0], reverse=True):
        lines[first:last] = new


def _localise_references(text: str) -> str:
    """A link's "Figure 3c" in the current language's form, as `site.language` writes it on the page."""
    return REFERENCE.sub(lambda match: f"{{ref}}`{cross_reference(match.group(1), text[:match.start()])} <{match.group(2)}>`", text)


def _translate_directive(block: list[str], token, messages: dict, missing: list) -> list[str]:
    """A fenced directive: its title translated, its options kept, its body translated as Markdown."""
    name, title = DIRECTIVE_INFO.match(token.info).groups()
    if name.strip("{}") in CODE_DIRECTIVES:
        return block  # its argument is a language and its body code
    opening = block[0]
    if title and name not in LABEL_ARGUMENT:
        if title in messages:
            opening = opening[: opening.index(name) + len(name)] + " " + messages[title]
        else:
            missing.append(title)
    body = block[1:-1] if len(block) > 1 and block[-1].strip().startswith(token.markup) else block[1:]
    closing = block[len(body) + 1:]
    options = 0
    while options < len(body) and OPTION_LINE.match(body[options].strip()):
        options += 1
    translated = list(body)
    _translate_lines(translated, options, len(translated), messages, missing)
    return [opening, *translated, *closing]


def _replace_in_line(lines: list[str], candidates: range, content: str, translation: str, searched_from: dict) -> None:
    """A one-line message (a heading, a term, a table cell, a short paragraph) replaced where it
    stands, keeping what surrounds it on its line ("## ", "- ", "| … |")."""
    for number in candidates:
        position = lines[number].find(content, searched_from.get(number, 0))
        if position >= 0:
            lines[number] = lines[number][:position] + translation + lines[number][position + len(content):]
            searched_from[number] = position + len(translation)
            return
    raise ValueError(f"{content!r} is not in the lines MyST's parser gave for it")


def _replace_lines(block: list[str], content: str, translation: str) -> list[str]:
    """A paragraph's lines (`content` is its inline text as parsed, continuation lines unindented)
    as one line holding `translation`, keeping what precedes it on its first line (a list marker,
    ": ") and what follows it on its last."""
    content_lines = content.split("\n")
    head = block[0].find(content_lines[0])
    tail_line = block[len(content_lines) - 1]
    tail = tail_line[tail_line.rfind(content_lines[-1]) + len(content_lines[-1]):]
    return [block[0][:head] + translation + tail, *block[len(content_lines):]]


def translated_notebook(chapter: Chapter, language: str, book_dir: Path = BOOK_DIR, strict: bool = True) -> dict:
    """The chapter as executed in `language` (by `make book`), its Markdown translated. A message
    without its translation is an error (the notebook would otherwise mix the two languages),
    unless not `strict`: the site's copy shows what its page shows, which is the English of a
    message not yet translated (`make test` fails until it is)."""
    messages = catalogue_messages(chapter.name, language, book_dir / LOCALE_DIR.name)
    executed = executed_copy(chapter, book_dir, language)
    if not executed.is_file():
        raise BuildError(f"{chapter.name}: no run in {language!r} yet ({executed}): run `make book` first")
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    english = [e for cell in notebook["cells"] if cell["cell_type"] == "markdown" for e in inline_expressions("".join(cell["source"]))]
    missing = []
    with i18n.speaking(language):
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                text, left = translate_markdown("".join(cell["source"]), messages)
                cell["source"] = text.splitlines(keepends=True)
                missing += left
    if missing and strict:
        raise BuildError(f"{chapter.name}: {len(missing)} passages have no {language!r} translation, first: "
                         f"{missing[0][:80]!r} (run `make translations` and translate them)")
    notebook["metadata"]["language"] = language
    notebook["metadata"][TRANSLATION_KEY] = {"expressions": list(dict.fromkeys(english))}
    return notebook


def notebooks_dir(language: str) -> Path:
    """Where `make lab-ru` writes the language's notebooks and opens JupyterLab: a teacher's working
    copy, outside the build's folder, which no build or `make clean` touches (`owned`)."""
    return PROJECT_ROOT / "notebooks" / language


def write_notebooks(language: str, output: Path, data_dir: Path = DATA_DIR, book_dir: Path = BOOK_DIR) -> Written:
    """Every chapter in `language` as a notebook in `output`, reading `data_dir`
    (`make lab-ru` opens them in JupyterLab). `output` is a folder the tool owns (`owned`): a
    notebook the teacher changed there is kept, a file of theirs stops it."""
    translated = {chapter.path.name: translated_notebook(chapter, language, book_dir) for chapter in chapters(book_dir)}
    data = relative_data_dir(output, data_dir)
    files = {name: (json.dumps(with_data_dir(notebook, data), indent=1, ensure_ascii=False) + "\n").encode("utf-8")
             for name, notebook in translated.items()}
    return write_owned(output, files, f"notebooks {language}")


def with_data_dir(notebook: dict, data_dir: str) -> dict:
    """The notebook reading its data from `data_dir` (relative to the notebook), set in the
    injected-parameters cell papermill left, the parameters a reader sees at the top."""
    for cell in notebook["cells"]:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]).rstrip("\n")
            cell["source"] = f"{source}\ndata_dir = {json.dumps(data_dir)}\n".splitlines(keepends=True)
    return notebook


def relative_data_dir(notebook_dir: Path, data_dir: Path) -> str:
    return Path(os.path.relpath(data_dir.resolve(), notebook_dir.resolve())).as_posix()


def _translated_sources(app, exception) -> None:
    """After a translated render: each chapter's copy in the site's `_sources/`, translated."""
    language = app.config.language or i18n.SOURCE_LANGUAGE
    if exception or language == i18n.SOURCE_LANGUAGE:
        return
    book_dir = Path(app.config.belarus_trade_records_dir or app.srcdir)  # the source-language book: its catalogues and runs
    for chapter in chapters(book_dir):
        copy = source_copy(app, chapter.path.relative_to(book_dir).with_suffix("").as_posix())
        if copy and (Path(app.outdir) / copy).is_file():
            notebook = translated_notebook(chapter, language, book_dir, strict=False)
            write_atomically(Path(app.outdir) / copy, json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


def setup(app):
    if "belarus_trade_records_dir" not in app.config:
        app.add_config_value("belarus_trade_records_dir", "", "env")
    app.connect("build-finished", _translated_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

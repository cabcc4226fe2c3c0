"""Translators' catalogues are untrusted input (issue 19): a translation that would run, include,
download, link or show what its English message does not is refused, in one line naming the
catalogue, the message and the fault, before anything executes or renders in its language, by
`make book`, `notebooks` and `student` alike. And the engine reads `{eval}` roles as MyST does."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from belarus_trade.build import BuildError, catalogues, pipeline
from belarus_trade.build.catalogues import MAX_BYTES, CatalogueError, check_language
from belarus_trade.chapters.prose import inline_expressions
from belarus_trade.i18n import LOCALE_DIR

PAGE = Path("chapters") / "introduction.po"
HEADING = ('msgid "How to re-run and extend it"\nmsgstr "Как пересчитать и дополнить книгу"\n')
PARAGRAPH_START = 'msgid ""\n"The book is built from the project\'s repository with two commands: `make "'
CODE_MESSAGE = 'msgid "page {page} of {pages}"\nmsgstr "стр. {page} из {pages}"\n'


@pytest.fixture
def locales(tmp_path) -> Path:
    """A copy of the book's catalogues, to poison."""
    target = tmp_path / "locales"
    shutil.copytree(LOCALE_DIR, target, ignore=shutil.ignore_patterns("*.mo"))
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def heading_translated_as(locales: Path, translation: str) -> None:
    replace_in(locales / "ru" / "LC_MESSAGES" / PAGE, HEADING, f'msgid "How to re-run and extend it"\nmsgstr "{translation}"\n')


def refusal(locales: Path) -> str:
    with pytest.raises(CatalogueError) as caught:
        check_language("ru", locales)
    message = str(caught.value)
    assert "\n" not in message
    return message


HOSTILE_HEADINGS = {
    "raw_html_image": ('Как пересчитать <img src=x onerror=alert(1)>', "adds HTML ('<img src=x onerror=alert(1)>')"),
    "raw_html_script": ("<script>alert(document.domain)</script>", "adds HTML ('<script>alert(document.domain)</script>')"),
    "download_role": ("Как пересчитать {download}`../../../../etc/passwd`", "adds the role {download}"),
    "eval_role": ("Как пересчитать {eval}`__import__('os').system('id')`", "adds the role {eval}"),
    "eval_in_code_span": ("Как пересчитать `` {eval}`__import__('os')` ``", "code spans"),
    "include_fence": ("Как\\n```{include} ../../../../etc/passwd\\n```", "opens a fenced block"),
    "colon_fence": ("Как\\n:::{raw} html\\n<b>x</b>\\n:::", "opens a fenced block"),
    "link": ("[Как пересчитать](https://example.invalid/)", "link targets"),
    "image": ("![Как](https://example.invalid/pixel.png)", "link targets"),
    "autolink": ("Как <https://example.invalid/>", "link targets"),
}


@pytest.mark.parametrize("case", HOSTILE_HEADINGS)
def test_a_translation_with_what_its_message_lacks_is_refused(locales, case):
    translation, fault = HOSTILE_HEADINGS[case]
    heading_translated_as(locales, translation)
    message = refusal(locales)
    assert message.startswith("locales/ru/LC_MESSAGES/chapters/introduction.po, line ")
    assert "'How to re-run and extend it'" in message and fault in message


def test_a_translation_that_changes_a_role_is_refused(locales):
    """The paragraph keeps its code spans and roles; pointing {ref} elsewhere or changing an {eval} is refused."""
    path = locales / "ru" / "LC_MESSAGES" / "chapters" / "multivector.po"
    text = path.read_text(encoding="utf-8")
    start = text.index("msgstr", text.index("{eval}`"))
    role = text.index("{eval}`", start)
    path.write_text(text[:role] + "{eval}`open('/etc/passwd').read()`" + text[text.index("`", role + 7) + 1:], encoding="utf-8")
    assert "does not keep the role {eval}" in refusal(locales)


def test_typesetting_roles_keep_their_translated_text(locales):
    """{sub} and {sup} only set type: КТЭС{sub}`РБ/РФ` translates KTES{sub}`BY/RU`, and the real catalogues pass."""
    check_language("ru", locales)
    heading_translated_as(locales, "КТЭС{sub}`РБ/РФ`")
    assert "adds the role {sub}" in refusal(locales)


def test_code_catalogue_placeholders_are_the_messages(locales):
    code = locales / "ru" / "LC_MESSAGES" / "code.po"
    replace_in(code, CODE_MESSAGE, 'msgid "page {page} of {pages}"\nmsgstr "стр. {page} из {pages} {__class__}"\n')
    assert "has the placeholder {__class__}, which the message does not" in refusal(locales)


def test_code_catalogue_may_leave_a_placeholder_out(locales):
    """"Показать код ячейки" needs no {type}: str.format ignores a name it is given and not asked for."""
    code = locales / "ru" / "LC_MESSAGES" / "code.po"
    replace_in(code, CODE_MESSAGE, 'msgid "page {page} of {pages}"\nmsgstr "стр. {page}"\n')
    check_language("ru", locales)


def test_a_catalogue_that_is_not_utf8_is_refused_in_one_line(locales):
    path = locales / "ru" / "LC_MESSAGES" / PAGE
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251", errors="replace"))
    message = refusal(locales)
    assert message.startswith("locales/ru/LC_MESSAGES/chapters/introduction.po, line ") and "not UTF-8" in message


def test_a_catalogue_that_does_not_parse_is_refused_in_one_line(locales):
    replace_in(locales / "ru" / "LC_MESSAGES" / PAGE, HEADING, 'msgid "How to re-run and extend it"\nmsgstr "unterminated\n')
    message = refusal(locales)
    assert message.startswith("locales/ru/LC_MESSAGES/chapters/introduction.po, line ") and "not a line of a PO file" in message


def test_an_oversized_catalogue_is_refused_before_it_is_parsed(locales):
    path = locales / "ru" / "LC_MESSAGES" / PAGE
    with open(path, "a", encoding="utf-8") as stream:
        stream.write("# " + "x" * MAX_BYTES + "\n")
    assert "larger than 2 MiB" in refusal(locales)


def poisoned_project(project_copy: Path) -> Path:
    heading_translated_as(project_copy / "book" / "locales", '<img src=x onerror=alert(1)>')
    return project_copy


def test_the_build_refuses_a_poisoned_catalogue_before_executing_anything(project_copy, monkeypatch):
    """`make book`: the copy has no Russian runs yet, so the build would execute every chapter in Russian first."""
    book, data = poisoned_project(project_copy) / "book", project_copy / "data"
    monkeypatch.setattr(catalogues, "LOCALE_DIR", book / "locales")  # the code's catalogue of this copy, not the project's
    monkeypatch.setattr(pipeline, "execute_all", lambda *args: pytest.fail("a chapter was executed"))
    with pytest.raises(CatalogueError, match=r"^locales/ru/LC_MESSAGES/chapters/introduction\.po, line \d+: .* adds HTML"):
        pipeline.build(book, data, log=lambda message: None)
    assert not (book / "_build" / "html").exists()


def test_notebooks_and_student_refuse_a_poisoned_catalogue_before_writing(project_copy, tmp_path):
    """`make lab-ru` (`notebooks ru`) and `make student` read the same catalogues, checked the same
    way, before they write anything (a `CatalogueError` is one of the command line's one-line errors)."""
    from belarus_trade.publish.notebooks import write_notebooks
    from belarus_trade.publish.student import write_student_kit

    book = poisoned_project(project_copy) / "book"
    for write in (lambda: write_notebooks("ru", tmp_path / "lab", book_dir=book),
                  lambda: write_student_kit(tmp_path / "student", book_dir=book, language="ru")):
        with pytest.raises(CatalogueError, match=r"^locales/ru/LC_MESSAGES/chapters/introduction\.po, line \d+: .* adds HTML"):
            write()
    assert issubclass(CatalogueError, BuildError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


# --- the engine reads roles as MyST does ------------------------------------------------------

def test_inline_expressions_are_roles_not_text_that_looks_like_one():
    text = ("From {eval}`first` to {eval}`f\"{last:.1f}\"`, again {eval}`first`; `{eval}` alone is no role,\n"
            "nor is `` {eval}`hidden` `` in a code span.\n\n```python\n{eval}`in_a_code_block`\n```\n\n"
            ":::{note} A title\n:class: tip\n\nIn a directive, {eval}`in_a_note` counts.\n:::\n")
    assert inline_expressions(text) == ["first", 'f"{last:.1f}"', "in_a_note"]

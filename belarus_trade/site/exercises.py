"""Exercises in every language: sphinx-exercise titles an exercise and its solution in a way
Sphinx's translation never reaches, and its Russian words are not Russian grammar; here the
titles become messages, translated ones reach the solutions' titles, and the book's own
catalogue corrects the words.

sphinx-exercise has no public hook for any of it (no event, no API for titles: its post-transforms
read its registry, an attribute of the environment). So the title's place in the source is set by
a transform that runs before Sphinx's Locale transform (a priority Sphinx defines), and the rest
runs at `doctree-read`, once every transform of the read, Locale included, has run.
"""
from __future__ import annotations

import io
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform

from belarus_trade import i18n
from belarus_trade.build.files import write_atomically

# Message domains of other extensions whose words the book corrects in a language: sphinx-exercise's
# Russian "Решение к Упражнение 2.1" is not Russian grammar.
CORRECTED_DOMAINS = ("exercise",)


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


def _translated_exercises_in_registry(app, doctree) -> None:
    """sphinx-exercise keeps a copy of each exercise, made when its directive ran (before Sphinx's
    Locale transform), and titles the solutions ("Solution to Exercise 2.1 (...)") from it; after
    the translation, the copy is made again from the translated exercise."""
    from sphinx_exercise.nodes import is_exercise_node

    registry = getattr(app.env, "sphinx_exercise_registry", {})
    for node in doctree.findall(is_exercise_node):
        entry = registry.get(node.get("label"))
        if entry is not None and entry.get("docname") == app.env.docname:
            entry["node"] = node.deepcopy()


def _exercise_titles_for_gettext(app, doctree) -> None:
    """sphinx-exercise's post-transform rebuilds an exercise's title from its subtitle's children
    and drops the subtitle, so the gettext builder, which reads the final tree, never sees the
    title as a message. For that builder only (its doctrees are its own), each subtitle's text is
    left beside it as a paragraph with the subtitle's place; Sphinx's Locale transform (at read
    time, before the rebuild) translates the subtitle itself."""
    from sphinx_exercise.nodes import exercise_subtitle

    if app.builder.name != "gettext":
        return
    for subtitle in list(doctree.findall(exercise_subtitle)):
        exercise = subtitle.parent.parent if subtitle.parent is not None else None
        if exercise is None or not subtitle.rawsource:
            continue
        message = nodes.paragraph(subtitle.rawsource, subtitle.rawsource)
        message.source, message.line = subtitle.source, subtitle.line
        message.uid = getattr(subtitle, "uid", "")  # the gettext catalogue skips a node without one
        exercise += message


def correct_extension_words(app) -> None:
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


def register(app) -> None:
    """`correct_extension_words` is not here: it must run before sphinx-exercise is set up."""
    app.add_transform(TranslatableExerciseTitles)
    app.connect("doctree-read", _translated_exercises_in_registry)
    app.connect("doctree-read", _exercise_titles_for_gettext)

"""Every page links to the same page in the book's other languages (issue 13): a visible switch
at the top of the page and `hreflang` alternates for search engines. Here is which pages those
are; the templates write the links (`templates/bt-languages.html`, `layout.html`)."""
from __future__ import annotations

from belarus_trade.i18n import tr

# Each language's name in that language, as a reader looking for it expects to see it.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def other_languages(roots: dict[str, str], pagename: str, suffix: str = ".html") -> list[tuple[str, str, str]]:
    """(language, its name, the same page in it relative to this page) for each other language;
    `roots` maps a language to the top of its site, from the top of this one."""
    up = "../" * pagename.count("/")
    return [(language, LANGUAGE_NAMES[language], f"{up}{root}{pagename}{suffix}") for language, root in roots.items()]


def _languages_in_context(app, pagename, templatename, context, doctree) -> None:
    context["bt_languages"] = other_languages(app.config.belarus_trade_languages, pagename, app.builder.out_suffix)
    context["bt_languages_label"] = tr("Other languages")


def register(app) -> None:
    app.connect("html-page-context", _languages_in_context)

"""The words Sphinx and other extensions write for the book, in the page's language
(`belarus_trade.site.language`, issue 13). The translated built pages are tests/build/test_translations.py's."""
from __future__ import annotations

from myst_nb.sphinx_ import HideCodeCellNode

from belarus_trade import i18n
from belarus_trade.site import language


class Translator:
    def __init__(self):
        self.body = ["<p>before</p>"]


def folded_cell_html(in_language: str) -> str:
    node = HideCodeCellNode(classes=["above-input"], prompt_show="Show code cell source", prompt_hide="Hide code cell source")
    translator = Translator()
    with i18n.speaking(in_language):
        language._visit_folded_cell(translator, node)
    assert translator.body[0] == "<p>before</p>"  # only what the visitor wrote is changed
    return "".join(translator.body[1:])


def test_a_folded_cells_toggle_is_labelled_in_the_pages_language():
    english, russian = folded_cell_html("en"), folded_cell_html("ru")
    assert '<summary aria-label="Toggle hidden content">' in english
    with i18n.speaking("ru"):
        label = i18n.tr(language.TOGGLE_LABEL)
    assert label != language.TOGGLE_LABEL and f'<summary aria-label="{label}">' in russian
    assert russian.replace(label, language.TOGGLE_LABEL) == english


def test_the_books_title_and_myst_nbs_labels_follow_the_language():
    class Config:
        html_title = project = "Belarus–Russia trade, 2000–2024: a living book"
        author = "The belarus-trade-book contributors"
        html_theme_options = {"home_page_in_toc": True}
        nb_code_prompt_show, nb_code_prompt_hide = "Show code cell {type}", "Hide code cell {type}"

    previous = i18n.current()
    try:
        for chosen in ("en", "ru"):
            config = Config()
            config.language = chosen
            language._use_language(None, config)
            assert i18n.current() == chosen
            with i18n.speaking(chosen):
                assert config.html_title == i18n.tr(Config.html_title) and config.author == i18n.tr(Config.author)
                assert config.nb_code_prompt_show == i18n.tr(Config.nb_code_prompt_show)
            assert config.html_theme_options["home_page_in_toc"] is True
        assert config.html_title != Config.html_title and config.html_theme_options["search_bar_text"] != language.SEARCH_PROMPT
    finally:
        i18n.use(previous)

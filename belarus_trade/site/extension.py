"""The book's Sphinx extension (`book/_config.yml`, `extra_extensions`): one entry, so the order
in which the book's parts hook into Sphinx, myst-nb and sphinx-exercise is written in one place.
Each part is a module of this folder, named after what it is for, with a `register(app)`."""
from __future__ import annotations

from belarus_trade.site import (
    assets,
    bibliography,
    citation_panel,
    descriptions,
    exercises,
    figures,
    landing_page,
    language,
    language_links,
    light_pages,
    past_editions,
    snapshot_line,
    stored_numbers,
)

# The book's settings, which `render` sets: (name, default, what a change rebuilds).
SETTINGS = (
    ("belarus_trade_data_dir", "", "html"),  # the data snapshot the pages name
    ("belarus_trade_fingerprint", "", "env"),  # the package and environment: a change re-reads every page
    ("belarus_trade_languages", {}, "html"),  # language -> its site's top, from this site's top
    # The build folder of the book being built (its copies of the Vega bundle and the theme's
    # overridden files), so a book copied elsewhere writes nothing into the project's book/_build.
    ("belarus_trade_build_dir", "", "html"),
    ("belarus_trade_records_dir", "", "env"),  # the source-language book: its editions' records and kept pages
)
# In this order: each module's handlers of one event run in the order they are connected.
PARTS = (language, bibliography, assets, light_pages, snapshot_line, figures, citation_panel, stored_numbers, exercises,
         language_links, descriptions, landing_page, past_editions)


def setup(app):
    exercises.correct_extension_words(app)  # before sphinx-exercise, which _config.yml loads after this extension
    for name, default, rebuild in SETTINGS:
        if name not in app.config:  # the What changed extension registers the data folder too
            app.add_config_value(name, default, rebuild)
    app.setup_extension("myst_nb")  # before the parts that replace its role and visitor, or follow its handlers
    for part in PARTS:
        part.register(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

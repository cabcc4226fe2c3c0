"""The book as a citation names it, in one language: one `BookCitation` for every form a reader
takes a citation in (each figure's panel here; the page tags, the How to cite page and
`CITATION.cff` in `publish.citation`).

Which edition the pages are is known only to the publish stage (it compares the build with the
published records), so it hands a render `EDITION_SETTING`; a citation names an edition only when
the pages are that edition, never one the reader's pages have moved on from.
"""
from __future__ import annotations

from dataclasses import dataclass

from belarus_trade import i18n
from belarus_trade.i18n import N_, tr

# {"edition": 2, "date": "2026-12-07", "this_build": True, "snapshot": "807d3b5d5c"}: the last
# published edition, whether this build is it, and this build's data snapshot; {} before the first edition.
EDITION_SETTING = "belarus_trade_edition"

TEXT = {
    "edition": N_("edition {number} of {date}"),
    "unpublished": N_("not yet published"),
    "unpublished_after": N_("an unpublished build after edition {number} of {date}"),
}


@dataclass(frozen=True)
class BookCitation:
    """`edition` and `date` are the last published edition's (None before the first); `this_build`
    whether the pages cited are it; `snapshot` the cited pages' data snapshot."""

    title: str
    author: str
    language: str = i18n.SOURCE_LANGUAGE
    edition: int | None = None
    date: str | None = None  # YYYY-MM-DD
    this_build: bool = False
    snapshot: str | None = None
    url: str = ""  # the site's address, if `_config.yml` sets one (html.baseurl)
    copyright_year: str = ""  # the year a book not yet published is cited by (_config.yml's copyright)

    @property
    def published(self) -> bool:
        """Whether the pages are a published edition (and so a citation names its number and date)."""
        return self.edition is not None and self.this_build

    @property
    def year(self) -> str:
        return self.date[:4] if self.published else self.copyright_year

    def edition_text(self) -> str:
        """"edition 2 of 2026-12-07", or what the pages are when they are not an edition, in the current language."""
        if self.edition is None:
            return _t("unpublished")
        return _t("edition" if self.this_build else "unpublished_after").format(number=self.edition, date=i18n.date(self.date))


def _t(key: str) -> str:
    """`TEXT[key]` in the current language."""
    message = TEXT[key]
    return tr(message)


def edition_setting(record: dict | None, this_build: bool, snapshot: str | None = None) -> dict:
    """`EDITION_SETTING`'s value for the last published edition's record (None: none yet)."""
    if record is None:
        return {"snapshot": snapshot} if snapshot else {}
    return {"edition": record["edition"], "date": record["date"], "this_build": this_build, "snapshot": snapshot or record["snapshot"]}


def citing(title: str, author: str, language: str, edition: dict, url: str = "", copyright_year: str = "") -> BookCitation:
    """The book's citation in `language`, its edition as `EDITION_SETTING`'s value (`edition`) holds it."""
    return BookCitation(title, author, language, edition.get("edition"), edition.get("date"), bool(edition.get("this_build")),
                        edition.get("snapshot"), url, copyright_year)


def from_settings(config) -> BookCitation:
    """From a render's settings: the title and authors `_config.yml` gives (in the page's language:
    `site.language` translates them), the edition `EDITION_SETTING` holds, the site's address."""
    return citing(config.html_title, config.author, config.language or i18n.SOURCE_LANGUAGE,
                  getattr(config, EDITION_SETTING, None) or {}, getattr(config, "html_baseurl", "") or "",
                  str(getattr(config, "copyright", "") or ""))

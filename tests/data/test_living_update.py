"""Issue 12's whole path, as an analyst meets it: a refresh brings IMF IMTS years after 2020 in the
publisher's real answer layout; the dry run shows them, the refresh swaps them in, the build
re-executes exactly the chapters that read the IMF file, the chapters take the IMF's series where
the article had to quote its own figures, and the "What changed" page lists the moved numbers.

The 2021–2023 values are test values (the article's own 2021 and 2023 levels, a 2022 between
them), never data: no IMF answer for those years exists offline."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from bs4 import BeautifulSoup
from publisher_answers import RecordedServer, imts_message

from belarus_trade.analysis import methods
from belarus_trade.build.book import chapters, read_notebook
from belarus_trade.build.keys import declared_reads
from belarus_trade.build.pipeline import build
from belarus_trade.chapters.prose import stored_text
from belarus_trade.data import refresh
from belarus_trade.data.loading import load
from belarus_trade.data.publishers.imf import IMF_FLOWS, fetch_imf_trade, imf_trade_url
from belarus_trade.publish.what_changed import TEXT

ADDED_YEARS = (2021, 2022, 2023)
RUSSIA_CODE = "RUS"


def belarus_russia_answer(article_figures: pd.DataFrame) -> dict:
    """An IMTS answer in the recorded layout: Belarus's exports to and imports from Russia, 2021–2023."""
    levels = {indicator: (methods.quoted(article_figures, f"{prefix}_2021_bn_usd"),
                          methods.quoted(article_figures, f"{prefix}_2023_bn_usd"))
              for indicator, prefix in (("XG_FOB_USD", "exports_to_russia"), ("MG_CIF_USD", "imports_from_russia"))}
    message = imts_message("BLR", [RUSSIA_CODE])
    structure = message["data"]["structures"][0]
    structure["dimensions"]["series"][1]["values"] = [{"id": indicator} for indicator in levels]
    structure["dimensions"]["observation"][0]["values"] = [{"value": str(year)} for year in ADDED_YEARS]
    series = {}
    for position, (first, last) in enumerate(levels.values()):
        middle = (first + last) / 2
        series[f"0:{position}:0:0"] = {"attributes": [0, None, 0], "observations": {
            str(i): [str(round(bn * 1e9)), 0] for i, bn in enumerate((first, middle, last))}}
    message["data"]["dataSets"][0]["series"] = series
    return message


def imts_job(data_dir, article_figures: pd.DataFrame) -> refresh.Job:
    """The imf_dots job: the snapshot's rows plus what the IMTS answer adds, read by the real parser."""
    url = imf_trade_url("BLR", tuple(IMF_FLOWS), RUSSIA_CODE, ADDED_YEARS[0], ADDED_YEARS[-1])
    server = RecordedServer({url: belarus_russia_answer(article_figures)})
    names = {"BLR": methods.BELARUS, RUSSIA_CODE: methods.RUSSIA}

    def fetch(start: int, end: int) -> pd.DataFrame:
        added = fetch_imf_trade("BLR", RUSSIA_CODE, ADDED_YEARS[0], ADDED_YEARS[-1], country_names=names, get=server)
        return pd.concat([load("imf_dots", data_dir), added], ignore_index=True)

    return refresh.Job("imf_dots", fetch, refresh.require_partners, refresh.book_partners)


def test_a_refresh_with_imts_years_after_2020_moves_exactly_what_reads_them(small_book):
    book, data = small_book("chapters/sanction_period", "what_changed", "bibliography")
    build(book, data, log=lambda message: None)
    before = {chapter.name: stored_text(read_notebook(chapter.path)) for chapter in chapters(book)}
    readers = {chapter.name for chapter in chapters(book)
               if "imf_dots_belarus.csv" in declared_reads(chapter.path, data)}
    assert readers and readers != set(before), "some chapters do not read the IMF file"
    article_figures = load("article_figures", data)

    printed = []
    snapshot = (data / "imf_dots_belarus.csv").read_bytes()
    (outcome,) = refresh.refresh(data, [imts_job(data, article_figures)], today=dt.date(2026, 11, 27),
                                 log=printed.append, dry_run=True)
    assert outcome.status.startswith("would") and (data / "imf_dots_belarus.csv").read_bytes() == snapshot
    assert any("2021, 2022, 2023" in line or "2021–2023" in line for line in printed), printed

    (outcome,) = refresh.refresh(data, [imts_job(data, article_figures)], today=dt.date(2026, 11, 27), log=printed.append)
    assert outcome.status == "replaced", outcome
    refreshed = load("imf_dots", data)
    assert set(refreshed[(refreshed.partner == methods.RUSSIA) & (refreshed.reporter == methods.BELARUS)].year) >= set(ADDED_YEARS)

    report = build(book, data, log=lambda message: None)
    assert {run["chapter"] for run in report["executed"]} == readers

    after = {name: stored_text(read_notebook(book / "chapters" / f"{name}.ipynb")) for name in before}
    assert after["sanction_period"]["trade_after_2020.imf_years"] == "2021–2023"
    assert after["sanction_period"]["trade_after_2020.article_years"] == "2024"
    assert after["sanction_period"]["trade_after_2020.missing_years"] == "none"
    assert before["sanction_period"]["trade_after_2020.imf_years"] == "none"

    page = BeautifulSoup((book / "_build" / "html" / "what_changed.html").read_text(encoding="utf-8"), "html.parser")
    caption = next(t for t in page.find_all("table") if t.caption and TEXT["numbers_caption"] in t.caption.get_text(" "))
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all("td")] + [row.find("a")["href"]]
            for row in caption.find_all("tr")[1:]]
    moved = {(href.split("/")[-1].removesuffix(".html"), old, new) for _, old, new, _, href in rows}
    assert ("sanction_period", "none", "2021–2023") in moved
    assert {chapter for chapter, _, _ in moved} <= readers
    assert moved == {(name, text, after[name][expression]) for name in before for expression, text in before[name].items()
                     if after[name].get(expression, text) != text}

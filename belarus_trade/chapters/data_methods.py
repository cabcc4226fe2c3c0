"""The "Data and methods" appendix: the snapshot's files from the manifest, documented
discrepancies between sources, and the known gaps of the offline snapshot."""
from __future__ import annotations

import pandas as pd

from belarus_trade import i18n
from belarus_trade.analysis import methods as m
from belarus_trade.chapters.context import MANIFEST
from belarus_trade.data.lineage import RESOURCES, drawn_from, sourced
from belarus_trade.data.manifest import PENDING_KEY
from belarus_trade.i18n import N_, data_text, tr

# The resources the chapter reads (ChapterContext refuses any other; the build keys the chapter on these).
READS = ("article_figures", "imf_dots", "article_table1", "wdi", "weo_gdp", "comtrade_sitc", "unctad_concentration", MANIFEST)


def _held_last_year(name: str):
    """The last year of a series only a refresh brings, or None while the snapshot lacks it."""
    def last_year(context) -> tuple[int | None, list]:
        frame = context.load_if_held(name)
        return (None, []) if frame is None else (int(frame.year.max()), [frame])
    return last_year


def _trade_with_russia_last_year(context) -> tuple[int, list]:
    imf_dots = context.load("imf_dots")
    return int(imf_dots[(imf_dots.reporter == m.BELARUS) & (imf_dots.partner == m.RUSSIA)].year.max()), [imf_dots]


def _gdp_pair_last_year(context) -> tuple[int, list]:
    wdi, weo_gdp = context.load("wdi"), context.load_if_held("weo_gdp")
    return int(m.gdp_pairs(wdi, weo_gdp).index.max()), [wdi, weo_gdp]


def _world_openness_last_year(context) -> tuple[int, list]:
    wdi = context.load("wdi")
    return int(m.wdi_series(wdi, "WLD", "NE.TRD.GNFS.ZS").dropna().index.max()), [wdi]


# Gaps of the offline snapshot (cells of Table D): what each lacks, the route that fills it, the
# year it must reach, and where to read the last year this snapshot has (with the frames it read).
# The words are English here and written in the current language by `gaps`.
OFFLINE_GAPS = [
    (N_("Belarus–Russia goods trade, 2021–2024"), N_("Only the article's own estimates (2021, 2023, 2024); 2022 is missing"),
     N_("IMF IMTS (SDMX API): BLR XG_FOB_USD / MG_CIF_USD with partner RUS, and Russia's mirror flows"), 2024,
     _trade_with_russia_last_year),
    (N_("Commodity structure of Belarus–Russia trade, 2012 and 2021 (Fig. 4–5)"), N_("Only the shares the article quotes"),
     N_("UN Comtrade (reporter 112, partner 643, SITC sections)"), 2021, _held_last_year("comtrade_sitc")),
    (N_("Export concentration index, 2000–2023 (Fig. 6)"), N_("No values offline"),
     N_("UNCTADstat bulk file US.ConcentDiversIndices"), 2023, _held_last_year("unctad_concentration")),
    (N_("GDP of Belarus and Russia, 2024"), N_("World Bank series in the snapshot end in 2023"),
     N_("IMF World Economic Outlook (NGDPD), or a World Bank refresh"), 2024, _gdp_pair_last_year),
    (N_("World trade openness, 2023–2024"), N_("World Bank world aggregate in the snapshot ends in 2022"),
     N_("World Bank NE.TRD.GNFS.ZS for WLD"), 2024, _world_openness_last_year),
]
NOT_FETCHED = N_("not yet fetched")  # the retrieval date of a series only an online refresh brings
# Table B's columns; Contents, Publisher and Licence hold the manifest's words, translated where the catalogue has them.
DATASET_COLUMNS = [N_("File"), N_("Contents"), N_("Publisher"), N_("Licence"), N_("Retrieved"), N_("Years"), N_("Rows"), "sha256"]
DATASET_NAME_COLUMNS = [N_("Contents"), N_("Publisher"), N_("Licence")]
# Table C's columns and words (the notebook translates its copy; lookups use these English names).
DISCREPANCY_COLUMNS = [N_("Quantity"), N_("Source A"), N_("Value A"), N_("Source B"), N_("Value B"), N_("Difference")]
DISCREPANCY_TEXT_COLUMNS = ["Quantity", "Source A", "Source B"]


def datasets(context) -> pd.DataFrame:
    """Every file of the snapshot with publisher, licence, retrieval date, coverage and checksum,
    then the series the project fetches only when online, marked as not yet fetched (column
    names and words in the current language). Drawn from every resource the manifest lists."""
    manifest = context.manifest()
    rows = []
    for resource in manifest["resources"] + manifest.get(PENDING_KEY, []):
        coverage = resource.get("coverage", {})
        rows.append([
            resource["path"],
            data_text(resource["title"]),
            data_text(resource["sources"][0].get("publisher", "")),
            data_text(resource["licenses"][0]["name"]),
            i18n.date(resource["retrieved"]) if "retrieved" in resource else tr(NOT_FETCHED),
            f"{coverage['first_year']}–{coverage['last_year']}" if "first_year" in coverage else "–",
            coverage.get("rows", 0),
            resource.get("hash", "").removeprefix("sha256:")[:12],
        ])
    frame = pd.DataFrame(rows, columns=[tr(column) for column in DATASET_COLUMNS])
    frame.attrs[RESOURCES] = tuple(resource["name"] for resource in manifest["resources"])
    return frame


def gap_status(last_year: int | None, needed_year: int) -> str:
    """Table D's verdict on one gap: not in the snapshot, filled, or open (the data end too early), in the current language."""
    if last_year is None:
        return tr("Not in this snapshot")
    if last_year >= needed_year:
        return tr("Filled: the data reach {year}").format(year=last_year)
    return tr("Open: the data end in {year}").format(year=last_year)


def gaps(context) -> pd.DataFrame:
    """Known gaps of the offline snapshot, the publisher route that fills each, and whether this snapshot
    fills it (in the current language); drawn from the resources whose last years it reports."""
    rows, read = [], []
    for lacking, offline, route, needed_year, last_year_of in OFFLINE_GAPS:
        last_year, frames = last_year_of(context)
        rows.append([tr(lacking), tr(offline), tr(route), gap_status(last_year, needed_year)])
        read += frames
    frame = pd.DataFrame(rows, columns=[tr("Data"), tr("Offline snapshot"), tr("Filled by"), tr("This snapshot")])
    frame.attrs[RESOURCES] = drawn_from(*read)
    return frame


@sourced
def discrepancies(article_figures: pd.DataFrame, imf_dots: pd.DataFrame, article_table1: pd.DataFrame) -> pd.DataFrame:
    """Documented differences between sources for the same quantity, each computed where possible.

    One row per quantity, indexed by a short name (`eu_exports_share_2021`, `china_exports_share_2021`,
    `eu_balance_2020`, `eu_imports_share_2014`); Difference is Value A − Value B. Words in English
    (`DISCREPANCY_TEXT_COLUMNS`): the notebook translates the copy it shows."""
    eu_exports = m.belarus_flows(imf_dots, "exports_fob")[m.EUROPEAN_UNION] / 1000
    eu_imports = m.belarus_flows(imf_dots, "imports_cif")[m.EUROPEAN_UNION] / 1000
    imf_eu_balance_2020 = float(eu_exports.get(2020) - eu_imports.get(2020))
    printed_2014 = article_table1[(article_table1.flow == "import") & (article_table1.year == 2014)].set_index("partner").share_pct
    imf_2014 = m.table1_from_imf(imf_dots)
    imf_2014 = imf_2014[(imf_2014.flow == "import") & (imf_2014.year == 2014)].set_index("partner").share_pct
    quoted = lambda figure_id: m.quoted(article_figures, figure_id)
    rows = {
        "eu_exports_share_2021": (N_("EU share of Belarus's goods exports, 2021, %"), N_("ITC Trade Map (article, Table 1)"),
                                  quoted("eu_share_of_exports_2021_pct"), N_("Belstat (article, footnote 9)"),
                                  quoted("eu_share_of_exports_2021_belstat_pct")),
        "china_exports_share_2021": (N_("China's share of Belarus's goods exports, 2021, %"), N_("ITC Trade Map (article, Table 1)"),
                                     quoted("china_share_of_exports_2021_pct"), N_("Belstat (article, footnote 9)"),
                                     quoted("china_share_of_exports_2021_belstat_pct")),
        "eu_balance_2020": (N_("Belarus's goods balance with the EU, 2020, bn USD"), N_("Belstat (article, footnote 5)"),
                            quoted("trade_balance_with_eu_belstat_2020_bn_usd"), m.IMF_SOURCE, imf_eu_balance_2020),
        "eu_imports_share_2014": (N_("EU share of Belarus's goods imports, 2014, %"), N_("Article, Table 1"), float(printed_2014["EU"]),
                                  m.IMF_SOURCE, float(imf_2014["EU"])),
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=DISCREPANCY_COLUMNS[:-1])
    frame["Difference"] = frame["Value A"] - frame["Value B"]
    return frame

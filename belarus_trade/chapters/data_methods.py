"""The "Data and methods" appendix: the snapshot's files from the manifest, documented
discrepancies between sources, and the known gaps of the offline snapshot."""
from __future__ import annotations

import pandas as pd

from .. import methods as m
from ..data import PENDING_KEY, load, load_if_held, manifest_as_read


def _held_last_year(name: str):
    """The last year of a series only a refresh brings, or None while the snapshot lacks it."""
    def last_year(data_dir) -> int | None:
        frame = load_if_held(name, data_dir)
        return None if frame is None else int(frame.year.max())
    return last_year


def _trade_with_russia_last_year(data_dir) -> int:
    imf_dots = load("imf_dots", data_dir)
    return int(imf_dots[(imf_dots.reporter == m.BELARUS) & (imf_dots.partner == m.RUSSIA)].year.max())


def _gdp_pair_last_year(data_dir) -> int:
    return int(m.gdp_pairs(load("wdi", data_dir), load_if_held("weo_gdp", data_dir)).index.max())


def _world_openness_last_year(data_dir) -> int:
    return int(m.wdi_series(load("wdi", data_dir), "WLD", "NE.TRD.GNFS.ZS").dropna().index.max())


# Gaps of the offline snapshot (cells of Table D): what each lacks, the route that fills it, the
# year it must reach, and where to read the last year this snapshot has.
OFFLINE_GAPS = [
    ("Belarus–Russia goods trade, 2021–2024", "Only the article's own estimates (2021, 2023, 2024); 2022 is missing",
     "IMF IMTS (SDMX API): BLR XG_FOB_USD / MG_CIF_USD with partner RUS, and Russia's mirror flows", 2024,
     _trade_with_russia_last_year),
    ("Commodity structure of Belarus–Russia trade, 2012 and 2021 (Fig. 4–5)", "Only the shares the article quotes",
     "UN Comtrade (reporter 112, partner 643, SITC sections)", 2021, _held_last_year("comtrade_sitc")),
    ("Export concentration index, 2000–2023 (Fig. 6)", "No values offline",
     "UNCTADstat bulk file US.ConcentDiversIndices", 2023, _held_last_year("unctad_concentration")),
    ("GDP of Belarus and Russia, 2024", "World Bank series in the snapshot end in 2023",
     "IMF World Economic Outlook (NGDPD), or a World Bank refresh", 2024, _gdp_pair_last_year),
    ("World trade openness, 2023–2024", "World Bank world aggregate in the snapshot ends in 2022",
     "World Bank NE.TRD.GNFS.ZS for WLD", 2024, _world_openness_last_year),
]
NOT_FETCHED = "not yet fetched"  # the retrieval date of a series only an online refresh brings


def snapshot_resources(data_dir=None) -> list[str]:
    """The names of the files the snapshot holds, as the manifest lists them."""
    return [resource["name"] for resource in manifest_as_read(data_dir)["resources"]]


def datasets(data_dir=None) -> pd.DataFrame:
    """Every file of the snapshot with publisher, licence, retrieval date, coverage and checksum,
    then the series the project fetches only when online, marked as not yet fetched."""
    manifest = manifest_as_read(data_dir)
    rows = []
    for resource in manifest["resources"] + manifest.get(PENDING_KEY, []):
        coverage = resource.get("coverage", {})
        rows.append({
            "File": resource["path"],
            "Contents": resource["title"],
            "Publisher": resource["sources"][0].get("publisher", ""),
            "Licence": resource["licenses"][0]["name"],
            "Retrieved": resource.get("retrieved", NOT_FETCHED),
            "Years": f"{coverage['first_year']}–{coverage['last_year']}" if "first_year" in coverage else "–",
            "Rows": coverage.get("rows", 0),
            "sha256": resource.get("hash", "").removeprefix("sha256:")[:12],
        })
    return pd.DataFrame(rows)


def gap_status(last_year: int | None, needed_year: int) -> str:
    """Table D's verdict on one gap: not in the snapshot, filled, or open (the data end too early)."""
    if last_year is None:
        return "Not in this snapshot"
    return f"Filled: the data reach {last_year}" if last_year >= needed_year else f"Open: the data end in {last_year}"


def gaps(data_dir=None) -> pd.DataFrame:
    """Known gaps of the offline snapshot, the publisher route that fills each, and whether this snapshot fills it."""
    rows = []
    for lacking, offline, route, needed_year, last_year_of in OFFLINE_GAPS:
        rows.append({"Data": lacking, "Offline snapshot": offline, "Filled by": route,
                     "This snapshot": gap_status(last_year_of(data_dir), needed_year)})
    return pd.DataFrame(rows)


def discrepancies(article_figures: pd.DataFrame, imf_dots: pd.DataFrame, article_table1: pd.DataFrame) -> pd.DataFrame:
    """Documented differences between sources for the same quantity, each computed where possible.

    One row per quantity, indexed by a short name (`eu_exports_share_2021`, `china_exports_share_2021`,
    `eu_balance_2020`, `eu_imports_share_2014`); Difference is Value A − Value B."""
    eu_exports = m.belarus_flows(imf_dots, "exports_fob")[m.EUROPEAN_UNION] / 1000
    eu_imports = m.belarus_flows(imf_dots, "imports_cif")[m.EUROPEAN_UNION] / 1000
    imf_eu_balance_2020 = float(eu_exports.get(2020) - eu_imports.get(2020))
    printed_2014 = article_table1[(article_table1.flow == "import") & (article_table1.year == 2014)].set_index("partner").share_pct
    imf_2014 = m.table1_from_imf(imf_dots)
    imf_2014 = imf_2014[(imf_2014.flow == "import") & (imf_2014.year == 2014)].set_index("partner").share_pct
    quoted = lambda figure_id: m.quoted(article_figures, figure_id)
    rows = {
        "eu_exports_share_2021": ("EU share of Belarus's goods exports, 2021, %", "ITC Trade Map (article, Table 1)",
                                  quoted("eu_share_of_exports_2021_pct"), "Belstat (article, footnote 9)",
                                  quoted("eu_share_of_exports_2021_belstat_pct")),
        "china_exports_share_2021": ("China's share of Belarus's goods exports, 2021, %", "ITC Trade Map (article, Table 1)",
                                     quoted("china_share_of_exports_2021_pct"), "Belstat (article, footnote 9)",
                                     quoted("china_share_of_exports_2021_belstat_pct")),
        "eu_balance_2020": ("Belarus's goods balance with the EU, 2020, bn USD", "Belstat (article, footnote 5)",
                            quoted("trade_balance_with_eu_belstat_2020_bn_usd"), "IMF DOTS, Belarus-reported", imf_eu_balance_2020),
        "eu_imports_share_2014": ("EU share of Belarus's goods imports, 2014, %", "Article, Table 1", float(printed_2014["EU"]),
                                  "IMF DOTS, Belarus-reported", float(imf_2014["EU"])),
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["Quantity", "Source A", "Value A", "Source B", "Value B"])
    frame["Difference"] = frame["Value A"] - frame["Value B"]
    return frame

"""The "Data and methods" appendix: datasets from the manifest, documented discrepancies, gaps."""
from __future__ import annotations

import pandas as pd

from . import methods as m
from .charts import Attribution, DataTable
from .data import PENDING_KEY, load, load_if_held, manifest_as_read


def _held_last_year(name: str):
    """The last year of a series only a refresh brings, or None while the snapshot lacks it."""
    def last_year(data_dir) -> int | None:
        frame = load_if_held(name, data_dir)
        return None if frame is None else int(frame.year.max())
    return last_year


def _trade_with_russia_last_year(data_dir) -> int:
    dots = load("imf_dots", data_dir)
    return int(dots[(dots.reporter == m.BELARUS) & (dots.partner == m.RUSSIA)].year.max())


def _gdp_pair_last_year(data_dir) -> int:
    return int(m.gdp_pairs(load("wdi", data_dir), load_if_held("weo_gdp", data_dir)).index.max())


def _world_openness_last_year(data_dir) -> int:
    return int(m.wdi_series(load("wdi", data_dir), "WLD", "NE.TRD.GNFS.ZS").dropna().index.max())


# Gaps of the offline snapshot: what each lacks, the route that fills it, the year it must reach,
# and where to read the last year this snapshot has.
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


def datasets_table(data_dir=None) -> DataTable:
    """Every file of the snapshot with publisher, licence, retrieval date, coverage and checksum,
    and the series the project fetches only when online, marked as not yet in the snapshot."""
    manifest = manifest_as_read(data_dir)
    resources = manifest["resources"]
    rows = []
    for resource in resources + manifest.get(PENDING_KEY, []):
        coverage = resource.get("coverage", {})
        rows.append({
            "File": resource["path"],
            "Contents": resource["title"],
            "Publisher": resource["sources"][0].get("publisher", ""),
            "Licence": resource["licenses"][0]["name"],
            "Retrieved": resource.get("retrieved", "not yet fetched"),
            "Years": f"{coverage['first_year']}–{coverage['last_year']}" if "first_year" in coverage else "–",
            "Rows": coverage.get("rows", 0),
            "sha256": resource.get("hash", "").removeprefix("sha256:")[:12],
        })
    frame = pd.DataFrame(rows)
    return DataTable("table-b-datasets", frame, Attribution([r["name"] for r in resources], "From data/datapackage.json.", data_dir))


def gaps_table(data_dir=None) -> DataTable:
    """Known gaps of the offline snapshot, the publisher route that fills each, and whether this snapshot fills it."""
    rows = []
    for data, offline, route, needed_year, last_year_of in OFFLINE_GAPS:
        last_year = last_year_of(data_dir)
        status = ("Not in this snapshot" if last_year is None else
                  f"Filled: the data reach {last_year}" if last_year >= needed_year else f"Open: the data end in {last_year}")
        rows.append({"Data": data, "Offline snapshot": offline, "Filled by": route, "This snapshot": status})
    note = ("Every route has a client in belarus_trade/publishers.py, tested offline on the publishers' documented formats, "
            "and a refresh job (make refresh) that adds or replaces the file only after it validates.")
    return DataTable("table-d-gaps", pd.DataFrame(rows), Attribution(["article_figures", "wdi", "imf_dots"], note, data_dir))
def discrepancies(figures: pd.DataFrame, dots: pd.DataFrame, printed: pd.DataFrame, data_dir=None):
    """Documented differences between sources for the same quantity, each computed where possible."""
    eu_exports = m.belarus_flows(dots, "exports_fob")[m.EUROPEAN_UNION] / 1000
    eu_imports = m.belarus_flows(dots, "imports_cif")[m.EUROPEAN_UNION] / 1000
    imf_eu_balance_2020 = float(eu_exports.get(2020) - eu_imports.get(2020))
    table1_imports_2014 = printed[(printed.flow == "import") & (printed.year == 2014)].set_index("partner").share_pct
    imf_2014 = m.table1_from_imf(dots)
    imf_2014 = imf_2014[(imf_2014.flow == "import") & (imf_2014.year == 2014)].set_index("partner").share_pct
    rows = [
        ("EU share of Belarus's goods exports, 2021, %", "ITC Trade Map (article, Table 1)",
         m.quoted(figures, "eu_share_of_exports_2021_pct"), "Belstat (article, footnote 9)",
         m.quoted(figures, "eu_share_of_exports_2021_belstat_pct")),
        ("China's share of Belarus's goods exports, 2021, %", "ITC Trade Map (article, Table 1)",
         m.quoted(figures, "china_share_of_exports_2021_pct"), "Belstat (article, footnote 9)",
         m.quoted(figures, "china_share_of_exports_2021_belstat_pct")),
        ("Belarus's goods balance with the EU, 2020, bn USD", "Belstat (article, footnote 5)",
         m.quoted(figures, "trade_balance_with_eu_belstat_2020_bn_usd"), "IMF DOTS, Belarus-reported", imf_eu_balance_2020),
        ("EU share of Belarus's goods imports, 2014, %", "Article, Table 1", float(table1_imports_2014["EU"]),
         "IMF DOTS, Belarus-reported", float(imf_2014["EU"])),
    ]
    frame = pd.DataFrame(rows, columns=["Quantity", "Source A", "Value A", "Source B", "Value B"])
    frame["Difference"] = frame["Value A"] - frame["Value B"]
    table = DataTable("table-c-discrepancies", frame.round({"Value B": 1, "Difference": 1}),
                      Attribution(["article_figures", "article_table1", "imf_dots"], data_dir=data_dir))
    numbers = {
        "eu_share_2021_itc": frame.at[0, "Value A"],
        "eu_share_2021_belstat": frame.at[0, "Value B"],
        "eu_balance_2020_belstat": frame.at[2, "Value A"],
        "eu_balance_2020_imf": frame.at[2, "Value B"],
        "eu_balance_2021_belstat": m.quoted(figures, "trade_balance_with_eu_belstat_2021_bn_usd"),
    }
    return table, {k: float(v) for k, v in numbers.items()}

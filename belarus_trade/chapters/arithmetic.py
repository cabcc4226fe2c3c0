"""Table 1c of the sanction-period chapter: the article's own arithmetic, each printed figure
checked against the others it implies, within the rounding of the numbers as printed.
"""
from __future__ import annotations

import csv
import functools
import re

import pandas as pd

from belarus_trade.analysis import combined_method as cm
from belarus_trade.chapters.sanction_period import in_edition, wdi_totals
from belarus_trade.data.lineage import sourced
from belarus_trade.i18n import N_, number, tr

# --- Table 1c: the article's own arithmetic ------------------------------------------------------

@sourced
def printed_values(article_figures: pd.DataFrame, article_table1: pd.DataFrame, wdi: pd.DataFrame, context) -> pd.DataFrame:
    """Every number a relation may use, with the decimals it was printed with.

    Article figures and Table 1 keep the decimals of their transcription (read from the files'
    text, since a loaded float forgets that '8.0' had one decimal); World Bank totals are exact.
    """
    text = _raw_values(context.path("article_figures"), "value", ["id"])
    article = article_figures[["id", "value"]].assign(
        decimals=article_figures["id"].map(lambda i: cm.printed_decimals(text[(i,)])))
    raw_table = _raw_values(context.path("article_table1"), "share_pct", ["flow", "partner", "year"])
    t1 = article_table1
    table = pd.DataFrame({
        "id": "table1_" + t1.flow + "_" + t1.partner + "_" + t1.year.astype(str),
        "value": t1.share_pct,
        "decimals": [cm.printed_decimals(raw_table[(f, p, str(y))]) for f, p, y in zip(t1.flow, t1.partner, t1.year)],
    })
    totals = wdi_totals(wdi).dropna()
    world_bank = pd.concat([
        pd.DataFrame({"id": [f"wdi_{flow}_{year}" for year in totals.index], "value": totals[flow].to_numpy(), "decimals": None})
        for flow in ("exports", "imports")
    ])
    return pd.concat([article, table, world_bank], ignore_index=True)


def _raw_values(path, value_column: str, key: list[str]) -> dict:
    """A resource's value column as printed text, keyed by its key columns.

    The file is the one the chapter's context validated when it loaded it; this reads only its text."""
    with open(path, newline="", encoding="utf-8") as handle:
        return {tuple(row[k] for k in key): row[value_column] for row in csv.DictReader(handle)}


# Table 1c's "Checked against" column.
OWN = N_("article's own figures")
WITH_WDI = N_("article's levels, World Bank totals")
TABLE1_WDI = N_("Table 1 vs article's levels, World Bank totals")
# Table 1c's relations of Table 1's shares, one per flow and year (the year filled in).
TABLE1_RELATIONS = {"export": N_("Table 1: Russia's share of exports {year}, %"),
                    "import": N_("Table 1: Russia's share of imports {year}, %")}


def article_relations() -> list[cm.Relation]:
    """The arithmetic claims of the article's sanction-period pages (and the EU figures they rest on)."""
    R = functools.partial(cm.Relation, basis=OWN)
    relations = [
        R(N_("Exports to Russia, growth 2021→2023, %"), "exports_to_russia_growth_2021_2023_pct_change",
          ("exports_to_russia_2021_bn_usd", "exports_to_russia_2023_bn_usd"), cm.growth_pct, "({1} / {0} − 1) × 100", 2023,
          first_year=2021),
        R(N_("Imports from Russia, growth 2021→2023, %"), "imports_from_russia_growth_2021_2023_pct_change",
          ("imports_from_russia_2021_bn_usd", "imports_from_russia_2023_bn_usd"), cm.growth_pct, "({1} / {0} − 1) × 100", 2023,
          first_year=2021),
        R(N_("Turnover 2023 = exports + imports, bn USD"), "turnover_with_russia_2023_bn_usd",
          ("exports_to_russia_2023_bn_usd", "imports_from_russia_2023_bn_usd"), cm.total, "{0} + {1}", 2023),
        R(N_("Balance 2023 = exports − imports, bn USD"), "trade_balance_with_russia_2023_bn_usd",
          ("exports_to_russia_2023_bn_usd", "imports_from_russia_2023_bn_usd"), cm.difference, "{0} − {1}", 2023),
        R(N_("Turnover 2024 from 2023 level and stated growth, bn USD"), "turnover_with_russia_2024_bn_usd",
          ("turnover_with_russia_2023_bn_usd", "turnover_with_russia_growth_2024_pct_change"), cm.grown_level,
          "{0} × (1 + {1}/100)", 2024, first_year=2023),
        R(N_("Exports 2024 from 2023 level and stated growth, bn USD"), "exports_to_russia_2024_bn_usd",
          ("exports_to_russia_2023_bn_usd", "exports_to_russia_growth_2024_pct_change"), cm.grown_level,
          "{0} × (1 + {1}/100)", 2024, first_year=2023),
        R(N_("Balance 2024 = exports − implied imports, million USD"), "trade_balance_with_russia_2024_musd",
          ("exports_to_russia_2024_bn_usd", "turnover_with_russia_2024_bn_usd"), _balance_from_turnover,
          "({0} − ({1} − {0})) × 1000", 2024, scale=1000),
        R(N_("Exports to the EU, fall 2021→2023, times"), "exports_to_eu_fall_2021_2023_times",
          ("exports_to_eu_2021_bn_usd", "exports_to_eu_2023_bn_usd"), cm.ratio, "{0} / {1}", 2023, first_year=2021),
        R(N_("EU car exports to Belarus, rise 2021→2023, \"almost\" times"), "car_imports_from_eu_growth_2021_2023_times",
          ("car_imports_from_eu_2023_bn_usd_restated", "car_imports_from_eu_2021_musd_restated"), cm.ratio, "{0} × 1000 / {1}", 2023,
          scale=1000, qualifier="almost", first_year=2021),
        R(N_("Russia's share of Belarus's goods turnover 2024, %"), "russia_share_of_goods_trade_2024_pct",
          ("turnover_with_russia_2024_bn_usd", "wdi_exports_2024", "wdi_imports_2024"), _share_of_sum,
          "{0} / ({1} + {2}) × 100", 2024, basis=WITH_WDI),
        R(N_("Russia's share of Belarus's goods exports 2024, %"), "russia_share_of_goods_exports_2024_pct",
          ("exports_to_russia_2024_bn_usd", "wdi_exports_2024"), cm.share_pct, "{0} / {1} × 100", 2024, basis=WITH_WDI),
        R(N_("Russia's share of Belarus's goods imports 2024, %"), "russia_share_of_goods_imports_2024_pct",
          ("turnover_with_russia_2024_bn_usd", "exports_to_russia_2024_bn_usd", "wdi_imports_2024"), _imports_share,
          "({0} − {1}) / {2} × 100", 2024, basis=WITH_WDI),
    ]
    for year in (2021, 2023):
        relations += [
            R(TABLE1_RELATIONS["export"].format(year=year), f"table1_export_RU_{year}",
              (f"exports_to_russia_{year}_bn_usd", f"wdi_exports_{year}"), cm.share_pct, "{0} / {1} × 100", year, basis=TABLE1_WDI),
            R(TABLE1_RELATIONS["import"].format(year=year), f"table1_import_RU_{year}",
              (f"imports_from_russia_{year}_bn_usd", f"wdi_imports_{year}"), cm.share_pct, "{0} / {1} × 100", year, basis=TABLE1_WDI),
        ]
    return relations


def _balance_from_turnover(exports, turnover):
    return exports - (turnover - exports)


def _share_of_sum(part, a, b):
    return part / (a + b) * 100


def _imports_share(turnover, exports, imports_total):
    return (turnover - exports) / imports_total * 100


@sourced
def checked_relations(article_figures: pd.DataFrame, article_table1: pd.DataFrame, wdi: pd.DataFrame,
                      start_year: int, end_year: int, context) -> pd.DataFrame:
    """Every relation of `article_relations` whose years the edition covers, checked within rounding
    (`cm.check_relations`), with the stated value as printed (`stated_printed`)."""
    relations = [r for r in article_relations() if in_edition(r.years, start_year, end_year)]
    values = printed_values(article_figures, article_table1, wdi, context)
    checked = cm.check_relations(values, relations)
    decimals = values.set_index("id").decimals
    checked["stated_printed"] = [f"{value:.{int(decimals[r.stated])}f}" for value, r in zip(checked.stated, relations)]
    return checked


@sourced
def consistency_table(checked: pd.DataFrame) -> pd.DataFrame:
    """Table 1c's columns from `checked_relations`."""
    return pd.DataFrame({
        tr("Relation"): checked.relation.map(relation_name),
        tr("Computed as"): checked.formula.map(_decimal_mark),
        tr("Stated"): checked.stated_printed.map(_decimal_mark),
        tr("Implied"): checked.implied.round(2),
        tr("Difference"): checked.difference.round(2),
        tr("Rounding allows"): checked.tolerance.round(2),
        tr("Verdict"): checked.verdict.map(tr),
        tr("Checked against"): checked.basis.map(tr),
    })


def _decimal_mark(text: str) -> str:
    """Numbers printed into a text ("(8.0 / 5.2 − 1) × 100") with the current language's decimal mark."""
    mark = number(0.5, 1)[1]
    return re.sub(r"(?<=\d)\.(?=\d)", mark, text) if mark != "." else text


def relation_name(name: str) -> str:
    """A relation's English name (as `article_relations` gives it) in the current language."""
    for template in TABLE1_RELATIONS.values():
        head, tail = template.split("{year}")
        year = name[len(head):len(name) - len(tail)]
        if name.startswith(head) and name.endswith(tail) and year.isdigit():
            return tr(template).format(year=year)
    return tr(name)

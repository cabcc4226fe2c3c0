"""The article's combined method for Belarus–Russia trade, its back-test, and a checker of printed figures.

Since 2022 neither Belarus nor Russia publishes bilateral trade by partner. Belarus still
publishes its trade with the CIS as a whole, and most other CIS countries still publish their
trade with Belarus. The article therefore estimates

    Belarus's exports to Russia   ≈ Belarus's exports to the CIS   − Σ_j  (country j's imports from Belarus)
    Belarus's imports from Russia ≈ Belarus's imports from the CIS − Σ_j  (country j's exports to Belarus)

over the eight CIS countries j other than Russia that report (Georgia and Turkmenistan are left
out). Here the "CIS total" is the sum of Belarus-reported flows with a list of CIS members and
the subtracted flows are the partners' own (mirror) reports in the IMF's Direction of Trade
Statistics, so the method can be back-tested on years in which Belarus still reported its
trade with Russia directly.

Definition of the CIS total (`CIS_TOTAL`, the default): Russia, the eight subtracted countries
and Turkmenistan — the Commonwealth without Georgia, which left it in 2009. Belstat's exact
grouping for 2022–2024 is not in the data snapshot; `SENSITIVITY_VARIANTS` shows how much the
choice (Georgia, Turkmenistan, Ukraine) matters.

All flows are in million USD, as in the IMF data; callers convert.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from belarus_trade.analysis.methods import BELARUS, RUSSIA, belarus_flows
from belarus_trade.data.lineage import sourced
from belarus_trade.i18n import N_

GEORGIA = "Georgia"
TURKMENISTAN = "Turkmenistan"
UKRAINE = "Ukraine"

# The eight CIS countries whose trade with Belarus the article subtracts (IMF DOTS labels).
ARTICLE_SUBTRACTED = (
    "Armenia, Rep. of",
    "Azerbaijan, Rep. of",
    "Kazakhstan, Rep. of",
    "Kyrgyz Rep.",
    "Moldova, Rep. of",
    "Tajikistan, Rep. of",
    UKRAINE,
    "Uzbekistan, Rep. of",
)
# The book's default CIS total: Russia, the eight, and Turkmenistan (Georgia left the CIS in 2009).
CIS_TOTAL = (RUSSIA, *ARTICLE_SUBTRACTED, TURKMENISTAN)

# The partner's flow that mirrors each Belarus flow: Belarus's exports are the partner's imports.
MIRROR_FLOW = {"exports_fob": "imports_cif", "imports_cif": "exports_fob"}
FLOW_NAMES = {"exports_fob": "Exports to Russia", "imports_cif": "Imports from Russia"}


def _without(members, *dropped):
    return tuple(m for m in members if m not in dropped)


# Alternative definitions of the CIS total and of the subtracted set: (total members, subtracted).
SENSITIVITY_VARIANTS = {
    N_("Book's default: CIS total of 10 (with Turkmenistan and Ukraine, without Georgia); subtract the article's 8"): (
        CIS_TOTAL, ARTICLE_SUBTRACTED),
    N_("CIS total also counts Georgia (11 countries); subtract the 8"): ((*CIS_TOTAL, GEORGIA), ARTICLE_SUBTRACTED),
    N_("CIS total without Turkmenistan (Russia + the 8); subtract the 8"): (_without(CIS_TOTAL, TURKMENISTAN), ARTICLE_SUBTRACTED),
    N_("Ukraine outside the CIS: neither in the total nor subtracted"): (
        _without(CIS_TOTAL, UKRAINE), _without(ARTICLE_SUBTRACTED, UKRAINE)),
    N_("Ukraine left in the total but not subtracted"): (CIS_TOTAL, _without(ARTICLE_SUBTRACTED, UKRAINE)),
}


# --- the combined method ------------------------------------------------------------------------

@sourced
def mirror_reported(dots: pd.DataFrame, flow: str) -> pd.DataFrame:
    """The partners' reports of the flow that mirrors Belarus's `flow`, one column per partner."""
    rows = dots[(dots.partner == BELARUS) & (dots.flow == MIRROR_FLOW[flow])]
    return rows.pivot_table(index="year", columns="reporter", values="value_musd", aggfunc="sum")


def _sum_all(frame: pd.DataFrame, members, what: str) -> pd.Series:
    """Row sums over `members`; a year missing any member is missing (never counted as zero)."""
    members = list(members)
    absent = [m for m in members if m not in frame.columns]
    if absent:
        raise KeyError(f"no {what} for {absent}")
    return frame[members].sum(axis=1, min_count=len(members)).where(frame[members].notna().all(axis=1))


@sourced
def cis_total(dots: pd.DataFrame, flow: str, members=CIS_TOTAL) -> pd.Series:
    """Belarus's trade with the CIS: the sum of its reported flows with each member (million USD)."""
    return _sum_all(belarus_flows(dots, flow), members, f"Belarus-reported {flow}")


@sourced
def subtracted_total(dots: pd.DataFrame, flow: str, subtracted=ARTICLE_SUBTRACTED) -> pd.Series:
    """What the other CIS countries report: their imports from Belarus (for `exports_fob`) or
    their exports to Belarus (for `imports_cif`), summed (million USD)."""
    if not len(subtracted):
        return pd.Series(0.0, index=belarus_flows(dots, flow).index)
    return _sum_all(mirror_reported(dots, flow), subtracted, f"mirror {MIRROR_FLOW[flow]}")


@sourced
def combined_estimate(dots: pd.DataFrame, flow: str, members=CIS_TOTAL, subtracted=ARTICLE_SUBTRACTED) -> pd.Series:
    """The article's estimate of Belarus's trade with Russia: CIS total minus the partners' mirror flows."""
    if RUSSIA not in members:
        raise ValueError("the CIS total must include Russia, or there is nothing left to estimate")
    if RUSSIA in subtracted:
        raise ValueError("Russia cannot be among the subtracted countries")
    estimate = cis_total(dots, flow, members) - subtracted_total(dots, flow, subtracted)
    return estimate.dropna().rename("estimate")


@sourced
def backtest(dots: pd.DataFrame, start_year: int, end_year: int, members=CIS_TOTAL,
             subtracted=ARTICLE_SUBTRACTED) -> pd.DataFrame:
    """Estimate against Belarus's own report of its trade with Russia, per flow and year.

    Returns `year, flow, estimate_bn, actual_bn, error_bn, error_pct` (error = estimate − actual,
    in bn USD and % of actual) for every year in the window where both exist.
    """
    frames = []
    for flow in ("exports_fob", "imports_cif"):
        actual = belarus_flows(dots, flow).get(RUSSIA, pd.Series(dtype=float)).rename("actual")
        both = pd.concat([combined_estimate(dots, flow, members, subtracted), actual], axis=1).dropna() / 1000
        both = both.loc[(both.index >= start_year) & (both.index <= end_year)]
        frames.append(pd.DataFrame({
            "year": both.index.astype(int),
            "flow": flow,
            "estimate_bn": both.estimate.to_numpy(),
            "actual_bn": both.actual.to_numpy(),
        }))
    result = pd.concat(frames, ignore_index=True)
    result["error_bn"] = result.estimate_bn - result.actual_bn
    result["error_pct"] = result.error_bn / result.actual_bn * 100
    return result


@sourced
def backtest_summary(result: pd.DataFrame) -> pd.DataFrame:
    """Per flow: years tested, median and mean absolute % error, mean signed % error, worst year."""
    rows = []
    for flow, group in result.groupby("flow", sort=False):
        absolute = group.error_pct.abs()
        worst = group.loc[absolute.idxmax()]
        rows.append({
            "flow": flow,
            "years": int(len(group)),
            "first_year": int(group.year.min()),
            "last_year": int(group.year.max()),
            "median_abs_pct": float(absolute.median()),
            "mean_abs_pct": float(absolute.mean()),
            "mean_pct": float(group.error_pct.mean()),
            "worst_year": int(worst.year),
            "worst_pct": float(worst.error_pct),
            "worst_bn": float(worst.error_bn),
        })
    return pd.DataFrame(rows).set_index("flow")


@sourced
def growth_gaps(result: pd.DataFrame, span: int = 2) -> pd.DataFrame:
    """How well the method measures growth: growth over `span` years of the estimate against the
    growth of the actual series, in percentage points, for each flow and end year."""
    frames = []
    for flow, group in result.groupby("flow", sort=False):
        series = group.set_index("year")
        years = [y for y in series.index if y - span in series.index]
        estimate = [(series.at[y, "estimate_bn"] / series.at[y - span, "estimate_bn"] - 1) * 100 for y in years]
        actual = [(series.at[y, "actual_bn"] / series.at[y - span, "actual_bn"] - 1) * 100 for y in years]
        frames.append(pd.DataFrame({"flow": flow, "year": years, "estimate_growth_pct": estimate, "actual_growth_pct": actual}))
    gaps = pd.concat(frames, ignore_index=True)
    gaps["gap_pp"] = gaps.estimate_growth_pct - gaps.actual_growth_pct
    return gaps


@sourced
def error_components(dots: pd.DataFrame, flow: str, members=CIS_TOTAL, subtracted=ARTICLE_SUBTRACTED) -> pd.DataFrame:
    """The estimate's error split by country (million USD); the columns add up to estimate − actual.

    A country in the total and subtracted contributes (Belarus's report − the partner's mirror
    report); a country in the total only contributes Belarus's whole flow with it; a country
    subtracted but not in the total contributes minus its mirror flow.
    """
    own, mirror = belarus_flows(dots, flow), mirror_reported(dots, flow)
    parts = {}
    for country in dict.fromkeys([*members, *subtracted]):
        if country == RUSSIA:
            continue
        inside = own[country] if country in members else 0.0
        taken = mirror[country] if country in subtracted else 0.0
        parts[country] = inside - taken
    return pd.DataFrame(parts).dropna()


@sourced
def sensitivity(dots: pd.DataFrame, start_year: int, end_year: int, variants=None) -> pd.DataFrame:
    """Back-test summary for each definition of the CIS total and of the subtracted set."""
    rows = []
    for name, (members, subtracted) in (variants or SENSITIVITY_VARIANTS).items():
        summary = backtest_summary(backtest(dots, start_year, end_year, members, subtracted))
        for flow, row in summary.iterrows():
            rows.append({"variant": name, "flow": flow, **row.to_dict()})
    return pd.DataFrame(rows)


# --- consistency of printed figures --------------------------------------------------------------

CONSISTENT = N_("consistent within rounding")
INCONSISTENT = N_("inconsistent")


def printed_decimals(text: str) -> int:
    """Decimals a number was printed with: '49.0' → 1, '796' → 0 (a decimal comma counts too)."""
    text = text.strip().replace(",", ".")
    return max(0, -Decimal(text).as_tuple().exponent)


def half_unit(decimals) -> float:
    """Half the last printed unit: the most a correctly rounded number can be off. None = exact."""
    if decimals is None or (isinstance(decimals, float) and math.isnan(decimals)):
        return 0.0
    return 0.5 * 10.0 ** (-int(decimals))


@dataclass(frozen=True)
class Relation:
    """One arithmetic claim among printed figures: `stated` should equal `formula(*terms) × scale`.

    `terms` and `stated` are ids in the values table; `formula_text` may name the terms as `{0}`,
    `{1}`, … and is shown with their printed values. `qualifier="almost"` reads the stated value
    as an upper bound ("almost 7 times": the true value lies within rounding below 7). `year` is
    the latest year the relation involves, `first_year` the earliest (default: the same).
    The formula must be monotone in each term (all of those below are), so its range over the
    rounding intervals of the terms is reached at their corners.
    """

    label: str
    stated: str
    terms: tuple[str, ...]
    formula: Callable[..., float]
    formula_text: str
    year: int
    scale: float = 1.0
    qualifier: str = ""
    basis: str = "the article's own figures"
    first_year: int | None = None

    @property
    def years(self) -> tuple[int, int]:
        return (self.first_year if self.first_year is not None else self.year, self.year)


def growth_pct(start, end):
    return (end / start - 1) * 100


def grown_level(base, growth):
    return base * (1 + growth / 100)


def total(*parts):
    return sum(parts)


def difference(a, b):
    return a - b


def share_pct(part, whole):
    return part / whole * 100


def ratio(a, b):
    return a / b


def _printed(value: float, decimals) -> str:
    """A value as printed: with its decimals, or (exact statistics) with three decimals."""
    exact = decimals is None or (isinstance(decimals, float) and math.isnan(decimals))
    return f"{value:,.3f}" if exact else f"{value:.{int(decimals)}f}"


@sourced
def check_relations(values: pd.DataFrame, relations: list[Relation]) -> pd.DataFrame:
    """Check each relation against the rounding of the numbers involved.

    `values` has columns `id`, `value` and `decimals` (the decimals printed; missing = an exact
    value such as a statistical total). For each relation the implied value and its range follow
    from evaluating the formula at the edges of every term's rounding interval; the stated value
    is consistent if its own rounding interval overlaps that range. The tolerance reported is the
    largest difference the rounding allows on the side where the difference lies.
    """
    table = values.set_index("id")
    rows = []
    for relation in relations:
        missing = [i for i in (relation.stated, *relation.terms) if i not in table.index]
        if missing:
            raise KeyError(f"relation '{relation.label}': no value for {missing}")
        stated = float(table.at[relation.stated, "value"])
        stated_half = half_unit(table.at[relation.stated, "decimals"])
        centre = [float(table.at[t, "value"]) for t in relation.terms]
        halves = [half_unit(table.at[t, "decimals"]) for t in relation.terms]
        implied = relation.formula(*centre) * relation.scale
        corners = [
            relation.formula(*(v + s * h for v, s, h in zip(centre, signs, halves))) * relation.scale
            for signs in itertools.product((-1, 1), repeat=len(centre))
        ]
        low, high = min(corners), max(corners)
        stated_low, stated_high = stated - stated_half, stated + stated_half
        if relation.qualifier == "almost":
            stated_high = stated
        gap = stated - implied
        tolerance = (high - implied) + (stated - stated_low) if gap >= 0 else (implied - low) + (stated_high - stated)
        holds = stated_low <= high + 1e-9 and low <= stated_high + 1e-9
        rows.append({
            "relation": relation.label,
            "year": relation.year,
            "formula": relation.formula_text.format(*(_printed(v, table.at[t, "decimals"]) for v, t in zip(centre, relation.terms))),
            "stated": stated,
            "implied": implied,
            "implied_low": low,
            "implied_high": high,
            "difference": gap,
            "tolerance": tolerance,
            "verdict": CONSISTENT if holds else INCONSISTENT,
            "basis": relation.basis,
        })
    return pd.DataFrame(rows, columns=[
        "relation", "year", "formula", "stated", "implied", "implied_low", "implied_high",
        "difference", "tolerance", "verdict", "basis",
    ])

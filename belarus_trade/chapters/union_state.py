"""What the chapter "The Union State" (`book/chapters/union_state.ipynb`) computes.

The notebook holds the prose and the chart code; this module returns the frames and numbers its
cells use. Everything the article reports for 2021–2025 lies after 2020, so an edition that ends
earlier must still run: a number of a year outside the edition's window is missing (`Number`,
shown as "n/a"), and a frame for such a window is empty.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from belarus_trade import i18n
from belarus_trade.analysis import methods as m
from belarus_trade.data.lineage import sourced
from belarus_trade.i18n import MISSING, N_, tr

# The resources the chapter reads (ChapterContext refuses any other; the build keys the chapter on these).
READS = ("wdi", "weo_gdp", "imf_dots", "article_figures", "union_state_agreements")

MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"), N_("August"),
          N_("September"), N_("October"), N_("November"), N_("December"))
# A document dated to a month is placed in the middle of that month; one with no month in the
# article is placed in the middle of its year (1 July), and its tooltip says so.
DAY_IN_MONTH = 15
MID_YEAR = (7, 1)
PLACED_BY_MONTH = N_("month given in the article")
PLACED_MID_YEAR = N_("no month in the article: placed at mid-year")
# The columns of the agreements' rows that hold words (the book's own, in its data): the
# notebook translates them with `tr` for the reader once it has counted with the English ones.
TEXT_COLUMNS = ("placement", "area", "agreement", "summary")

# Legend entries, in pairs (the notebook translates its chart's copy): Figure 6c's two series,
# Figure 6b's two parts, and the sources Figure 6c's tooltip names for the article's own values.
COMPUTED, STATED = N_("Computed by the book (sources of trade and GDP: in the tooltip and the CSV)"), N_("Stated by the article (ITC Trade Map, IMF WEO GDP)")
RUSSIA_PART, OTHERS_PART = N_("Russia (article, from Belstat)"), N_("All other countries (implied)")
STATED_TRADE_SOURCE, STATED_GDP_SOURCE = N_("ITC Trade Map (article's footnote 26)"), N_("IMF WEO (article)")

INVESTMENT_IDS = {
    2021: ("russian_investment_real_sector_2021_bn_usd", "russia_share_of_foreign_investment_2021_pct"),
    2023: ("russian_investment_real_sector_2023_bn_usd", "russia_share_of_foreign_investment_2023_pct"),
}
KTES_STATED_YEARS = (2021, 2023)


class Number(float):
    """A number an edition may lack (NaN): it formats as "n/a" instead of "nan", so a value of a
    year outside the edition's window reads as missing in the prose's `{eval}` expressions."""

    def __new__(cls, value=None):
        return super().__new__(cls, math.nan if value is None else value)

    def __format__(self, spec: str) -> str:
        return MISSING if math.isnan(self) else super().__format__(spec)

    def __repr__(self) -> str:
        return MISSING if math.isnan(self) else super().__repr__()

    __str__ = __repr__

    def __abs__(self) -> Number:
        return Number(float.__abs__(self))


def signed(value: float, digits: int = 3) -> str:
    """A signed number with a typographic minus, as the prose prints differences (in the current language)."""
    return tr(MISSING) if not m.available(value) else i18n.number(value, digits, sign=True).replace("-", "\u2212")


# --- why trade grew ------------------------------------------------------------------------

@sourced
def trade_since(imf_dots: pd.DataFrame, article_figures: pd.DataFrame, first_year: int,
                start_year: int, end_year: int) -> pd.Series:
    """Mutual goods trade (bn USD) from `first_year` on, for the years of the edition that have a figure."""
    trade = m.belarus_russia_trade(imf_dots, article_figures)["turnover"].dropna()
    return trade.loc[(trade.index >= max(start_year, first_year)) & (trade.index <= end_year)]


# --- Figure 6a: the agreements ---------------------------------------------------------------

@sourced
def agreement_dates(agreements: pd.DataFrame) -> pd.DataFrame:
    """The agreements in date order, with the date each is drawn at and how it was placed (`when`
    is written in the current language; the other columns stay as the data has them)."""
    frame = agreements.copy()
    has_month = frame["month"].notna()
    month = frame["month"].astype("Float64").fillna(MID_YEAR[0]).astype(int)
    day = pd.Series(DAY_IN_MONTH, index=frame.index).where(has_month, MID_YEAR[1])
    frame["date"] = pd.to_datetime(pd.DataFrame({"year": frame["year"].astype(int), "month": month, "day": day}))
    frame["month_given"] = has_month.astype(bool)
    frame["placement"] = has_month.map({True: PLACED_BY_MONTH, False: PLACED_MID_YEAR})
    frame["when"] = [
        tr("{month} {year}").format(month=tr(MONTHS[mo - 1]), year=y) if given
        else tr("{year} (no month given; drawn at mid-year)").format(year=y)
        for y, mo, given in zip(frame["year"].astype(int), month, has_month)
    ]
    return frame.sort_values(["date", "agreement"]).reset_index(drop=True)


@sourced
def timeline_rows(agreements: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """The rows Figure 6a plots: the documents of the edition's window in date order, with the
    side of the point their label goes to (right of early points, left of late ones, so labels
    stay inside the chart)."""
    shown = m.within(agreement_dates(agreements), start_year, end_year)
    columns = ["order", "date", "when", "placement", "area", "agreement", "summary", "label_side"]
    if shown.empty:
        return pd.DataFrame(columns=columns)
    domain_start = pd.Timestamp(int(shown.year.min()), 1, 1)
    domain_end = pd.Timestamp(int(shown.year.max()), 12, 31)
    position = (shown.date - domain_start) / (domain_end - domain_start)
    return pd.DataFrame({
        "order": range(1, len(shown) + 1),
        "date": shown.date.dt.strftime("%Y-%m-%d"),
        "when": shown.when,
        "placement": shown.placement,
        "area": shown.area,
        "agreement": shown.agreement,
        "summary": shown.summary,
        "label_side": ["right" if p < 0.5 else "left" for p in position],
    }, columns=columns).reset_index(drop=True)


# --- Figure 6b: Russian investment -----------------------------------------------------------

def implied_total(part: float, share_pct: float) -> float:
    """The whole a part implies when it is `share_pct` per cent of it."""
    return part / (share_pct / 100)


def implied_total_bounds(part: float, share_pct: float, part_step: float = 0.1, share_step: float = 0.1) -> tuple[float, float]:
    """Lowest and highest whole consistent with a part and a share rounded to `part_step` and `share_step`."""
    low = implied_total(part - part_step / 2, share_pct + share_step / 2)
    high = implied_total(part + part_step / 2, share_pct - share_step / 2)
    return low, high


@sourced
def investment_rows(article_figures: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """The rows Figure 6b plots: Russia's investment and the rest of the total its share implies,
    for each of the article's years (2021, 2023) inside the edition's window."""
    rows = []
    for year, (amount_id, share_id) in INVESTMENT_IDS.items():
        amount = m.quoted_in_window(article_figures, amount_id, start_year, end_year)
        share = m.quoted_in_window(article_figures, share_id, start_year, end_year)
        if not m.available(amount, share):
            continue
        total = implied_total(amount, share)
        for part, value in ((RUSSIA_PART, amount), (OTHERS_PART, total - amount)):
            rows.append({"year": year, "part": part, "bn_usd": round(value, 3), "russia_share_pct": share,
                         "implied_total_bn_usd": round(total, 3)})
    return pd.DataFrame(rows, columns=["year", "part", "bn_usd", "russia_share_pct", "implied_total_bn_usd"])


@dataclass(frozen=True)
class Investment:
    """The numbers of the investment section (missing for a year outside the edition)."""

    russia_2021: Number
    russia_2023: Number
    share_2021: Number
    share_2023: Number
    total_2021: Number
    total_2023: Number
    total_2021_low: Number
    total_2021_high: Number
    total_2023_low: Number
    total_2023_high: Number
    others_2021: Number
    others_2023: Number
    russia_growth_pct: Number
    share_change_pp: Number
    total_change_pct: Number
    others_change_pct: Number
    # Russia's 2023 share had investment from everyone else stayed at its 2021 level, and the
    # split of the change in Russia's share: from Russian money, and from everyone else's.
    share_2023_if_others_unchanged: Number
    share_change_from_russia_pp: Number
    share_change_from_others_pp: Number
    share_change_from_others_pct: Number


def investment(rows: pd.DataFrame) -> Investment:
    """The numbers of the investment section, from Figure 6b's rows (`investment_rows`)."""
    def value(year: int, part: str, column: str = "bn_usd") -> float:
        match = rows.loc[(rows.year == year) & (rows.part == part), column]
        return float(match.iloc[0]) if len(match) else math.nan

    russia = {y: value(y, RUSSIA_PART) for y in INVESTMENT_IDS}
    share = {y: value(y, RUSSIA_PART, "russia_share_pct") for y in INVESTMENT_IDS}
    total = {y: value(y, RUSSIA_PART, "implied_total_bn_usd") for y in INVESTMENT_IDS}
    others = {y: value(y, OTHERS_PART) for y in INVESTMENT_IDS}
    bounds = {y: implied_total_bounds(russia[y], share[y]) for y in INVESTMENT_IDS}
    share_change = share[2023] - share[2021]
    counterfactual = russia[2023] / (russia[2023] + others[2021]) * 100
    from_others = share[2023] - counterfactual
    return Investment(*map(Number, (
        russia[2021], russia[2023], share[2021], share[2023], total[2021], total[2023],
        *bounds[2021], *bounds[2023], others[2021], others[2023],
        (russia[2023] / russia[2021] - 1) * 100, share_change, (total[2023] / total[2021] - 1) * 100,
        (others[2023] / others[2021] - 1) * 100, counterfactual, share_change - from_others, from_others,
        from_others / share_change * 100 if share_change else math.nan,
    )))


# --- Figure 6c: the KTES -----------------------------------------------------------------------

@sourced
def ktes_rows(window: pd.DataFrame, article_figures: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """The rows Figure 6c plots: the KTES the book computes for each year of `window` (a slice of
    `methods.ktes_series`), and the article's stated values for 2021 and 2023 inside the edition."""
    computed = pd.DataFrame({
        "year": window.index.astype(int),
        "series": COMPUTED,
        "ktes": window.ktes.round(4).to_numpy(),
        "turnover_bn_usd": window.turnover.round(3).to_numpy(),
        "gdp_sum_bn_usd": window.gdp_sum_bn.round(1).to_numpy(),
        "trade_source": window.source.fillna("").to_numpy(),
        "gdp_source": window.gdp_source.fillna("").to_numpy(),
        "missing": window.missing.to_numpy(),
    })
    stated = pd.DataFrame([
        {"year": year, "series": STATED, "ktes": value, "turnover_bn_usd": math.nan, "gdp_sum_bn_usd": math.nan,
         "trade_source": STATED_TRADE_SOURCE, "gdp_source": STATED_GDP_SOURCE, "missing": ""}
        for year in KTES_STATED_YEARS
        if m.available(value := m.quoted_in_window(article_figures, f"ktes_belarus_russia_{year}_index", start_year, end_year))
    ], columns=computed.columns)
    return pd.concat([computed, stated], ignore_index=True) if len(stated) else computed


@dataclass(frozen=True)
class KtesPath:
    """How the computed KTES moved within an edition: its range, and from the first year to the
    lowest point, how many times mutual trade and the combined dollar GDP grew."""

    years: int
    first_year: int | None
    first: Number
    low_year: int | None
    low: Number
    high_year: int | None
    high: Number
    trade_times: Number
    gdp_times: Number
    russia_part_of_gdp_increase_pct: Number


def ktes_path(window: pd.DataFrame) -> KtesPath:
    computed = window.dropna(subset=["ktes"])
    if computed.empty:
        return KtesPath(0, None, Number(), None, Number(), None, Number(), Number(), Number(), Number())
    first, low_year = computed.iloc[0], int(computed.ktes.idxmin())
    low = computed.loc[low_year]
    gdp_increase = low.gdp_blr + low.gdp_rus - first.gdp_blr - first.gdp_rus
    return KtesPath(
        years=len(computed), first_year=int(computed.index[0]), first=Number(first.ktes),
        low_year=low_year, low=Number(low.ktes),
        high_year=int(computed.ktes.idxmax()), high=Number(computed.ktes.max()),
        trade_times=Number(low.turnover / first.turnover), gdp_times=Number(low.gdp_sum_bn / first.gdp_sum_bn),
        russia_part_of_gdp_increase_pct=Number((low.gdp_rus - first.gdp_rus) / gdp_increase * 100 if gdp_increase else None),
    )


@dataclass(frozen=True)
class KtesCheck:
    """The book's KTES for a year against the article's: the difference, the range the rounding
    of the trade figures (two flows to 0.1 bn, so ±0.1 bn) allows, and what the stated value
    implies with the book's trade (a combined GDP) or with the book's GDP (a mutual trade)."""

    year: int
    computed: Number
    stated: Number
    difference: Number
    turnover_bn: Number
    gdp_sum_bn: Number
    rounding_low: Number
    rounding_high: Number
    implied_gdp_sum_bn: Number
    implied_turnover_bn: Number
    implied_gdp_below_pct: Number
    within_rounding: bool


def ktes_check(window: pd.DataFrame, article_figures: pd.DataFrame, year: int, start_year: int, end_year: int) -> KtesCheck:
    stated = m.quoted_in_window(article_figures, f"ktes_belarus_russia_{year}_index", start_year, end_year)
    row = window.loc[year] if year in window.index else None
    computed = float(row.ktes) if row is not None else math.nan
    turnover = float(row.turnover) if row is not None else math.nan
    gdp_sum = float(row.gdp_sum_bn) if row is not None else math.nan
    low, high = (turnover - 0.1) / gdp_sum * 100, (turnover + 0.1) / gdp_sum * 100
    implied_gdp = turnover / stated * 100
    return KtesCheck(
        year=year, computed=Number(computed), stated=Number(stated), difference=Number(stated - computed),
        turnover_bn=Number(turnover), gdp_sum_bn=Number(gdp_sum), rounding_low=Number(low), rounding_high=Number(high),
        implied_gdp_sum_bn=Number(implied_gdp), implied_turnover_bn=Number(stated * gdp_sum / 100),
        implied_gdp_below_pct=Number((1 - implied_gdp / gdp_sum) * 100), within_rounding=bool(low <= stated <= high),
    )


@sourced
def higher_before(window: pd.DataFrame, year: int, value: float) -> pd.Series:
    """The computed KTES of the window's years before `year` that exceed `value`."""
    earlier = window.ktes.dropna()
    earlier = earlier[earlier.index < year]
    return earlier[earlier > value]


@dataclass(frozen=True)
class GdpRatio:
    """Russia's GDP as a multiple of Belarus's, in the last year of the window with both."""

    year: int | None
    russia_to_belarus: Number


def gdp_ratio(window: pd.DataFrame) -> GdpRatio:
    gdp = window.dropna(subset=["gdp_blr", "gdp_rus"])
    if gdp.empty:
        return GdpRatio(None, Number())
    return GdpRatio(int(gdp.index.max()), Number(gdp.gdp_rus.iloc[-1] / gdp.gdp_blr.iloc[-1]))

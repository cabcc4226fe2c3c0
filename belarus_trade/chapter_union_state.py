"""Figures, tables and numbers of the chapter "The Union State" (the article's last section).

Each builder takes the loaded data and the edition's year window and returns what the notebook
glues: a `ChartFigure`, a dict of numbers, and a dict of Markdown sentences whose wording
depends on the data and on the window (published with `publish_sentences`). Everything the
article reports for 2021–2025 lies after 2020, so an edition ending earlier must still run:
its charts then say that the window holds no data, and its sentences say so in words.
"""
from __future__ import annotations

import math

import altair as alt
import pandas as pd

from . import methods as m
from .methods import ktes_series, ktes_table  # noqa: F401  (public in this chapter's API)
from .charts import Attribution, ChartFigure, describe_series, no_data_figure, styled
from .publish import publish_sentences  # noqa: F401  (the notebook calls chapter.publish_sentences)

GDP = m.GDP_INDICATOR
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# A document dated to a month is placed in the middle of that month; one with no month in the
# article is placed in the middle of its year (1 July), and its tooltip says so.
DAY_IN_MONTH = 15
MID_YEAR = (7, 1)
PLACED_BY_MONTH = "month given in the article"
PLACED_MID_YEAR = "no month in the article: placed at mid-year"

COMPUTED = "Computed by the book (sources of trade and GDP in the tooltip)"
STATED = "Stated by the article (ITC Trade Map, IMF WEO GDP)"

RUSSIA_PART = "Russia (article, from Belstat)"
OTHERS_PART = "All other countries (implied)"


# --- helpers -------------------------------------------------------------------------------




def _signed(value: float, digits: int = 3) -> str:
    """A signed number with a typographic minus, as the prose prints differences."""
    return f"{value:+.{digits}f}".replace("-", "\u2212")



# --- why trade grew ------------------------------------------------------------------------

def growth_sentence(dots: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int) -> tuple[dict, dict]:
    """Mutual goods trade from 2021 to the last year of the article's figures inside the window."""
    trade = m.belarus_russia_trade(dots, figures)
    after = trade.loc[(trade.index >= max(start_year, 2021)) & (trade.index <= end_year)]
    numbers = {"growth_base_year": 2021, "growth_last_year": math.nan, "turnover_2021_bn": math.nan,
               "turnover_last_bn": math.nan, "turnover_growth_pct": math.nan}
    if 2021 not in after.index:
        return numbers, {"growth_sentence": (
            f"This edition ends in {end_year}, before 2021, the base year of the growth in mutual trade that the "
            "article explains." if end_year < 2021 else
            "This edition's window does not include 2021, the base year of the growth in mutual trade that the "
            "article explains."
        )}
    if len(after) < 2:
        return numbers, {"growth_sentence": (
            f"This edition ends in {end_year}. The article's figures put mutual goods trade at "
            f"{after.at[2021, 'turnover']:.1f} bn USD in 2021; it gives no figure for 2022, and its later figures "
            "fall after the edition ends."
        )}
    last = int(after.index.max())
    base, latest = float(after.at[2021, "turnover"]), float(after.at[last, "turnover"])
    numbers.update(growth_last_year=last, turnover_2021_bn=base, turnover_last_bn=latest,
                   turnover_growth_pct=(latest / base - 1) * 100)
    steps = " and ".join(f"{after.at[y, 'turnover']:.1f} bn in {y}" for y in after.index if y != 2021)
    text = (
        f"On the article's own figures, goods trade between Belarus and Russia (exports plus imports) "
        f"went from {base:.1f} bn USD in 2021 to {steps}: {numbers['turnover_growth_pct']:.0f}% more "
        f"in {last - 2021} years."
    )
    return numbers, {"growth_sentence": text}


# --- Figure 6a: the agreements ---------------------------------------------------------------

def agreement_dates(agreements: pd.DataFrame) -> pd.DataFrame:
    """The agreements in date order, with the date each is drawn at and how it was placed."""
    frame = agreements.copy()
    has_month = frame["month"].notna()
    month = frame["month"].astype("Float64").fillna(MID_YEAR[0]).astype(int)
    day = pd.Series(DAY_IN_MONTH, index=frame.index).where(has_month, MID_YEAR[1])
    frame["date"] = pd.to_datetime(pd.DataFrame({"year": frame["year"].astype(int), "month": month, "day": day}))
    frame["month_given"] = has_month.astype(bool)
    frame["placement"] = has_month.map({True: PLACED_BY_MONTH, False: PLACED_MID_YEAR})
    frame["when"] = [
        f"{MONTHS[mo - 1]} {y}" if given else f"{y} (no month given; drawn at mid-year)"
        for y, mo, given in zip(frame["year"].astype(int), month, has_month)
    ]
    return frame.sort_values(["date", "agreement"]).reset_index(drop=True)


def agreements_timeline(agreements: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Figure 6a: the documents the article lists, on a time axis, coloured by policy area."""
    dated = agreement_dates(agreements)
    shown = m.within(dated, start_year, end_year)
    total = len(dated)
    numbers = {
        "agreements_total": total,
        "agreements_shown": len(shown),
        "agreements_without_month": int((~shown.month_given).sum()) if len(shown) else 0,
        "agreements_areas": int(shown.area.nunique()) if len(shown) else 0,
        "union_programmes_count": m.quoted_in_window(figures, "union_state_sectoral_programmes_count_2021_11", start_year, end_year),
        "import_substitution_credit_bn_rub": m.quoted_in_window(figures, "russian_import_substitution_credit_2022_11_bn_rub", start_year, end_year),
    }
    sentences = {
        "agreements_sentence": _agreements_text(dated, shown, start_year, end_year),
        "programmes_sentence": _programmes_text(numbers, end_year),
        "agreements_list": _agreements_list(shown, start_year, end_year),
    }
    note = "Dates as the article gives them (month and year); a document with no month is drawn at mid-year."
    if shown.empty:
        message = f"No Union State document of the article's list falls within {start_year}–{end_year}; the first is dated {dated.when.iloc[0]}."
        return no_data_figure("fig-6a-agreements", message, ["union_state_agreements"], note, data_dir), numbers, sentences

    first_year, last_year = int(shown.year.min()), int(shown.year.max())
    domain_start, domain_end = pd.Timestamp(first_year, 1, 1), pd.Timestamp(last_year, 12, 31)
    position = (shown.date - domain_start) / (domain_end - domain_start)
    plotted = pd.DataFrame({
        "order": range(1, len(shown) + 1),
        "date": shown.date.dt.strftime("%Y-%m-%d"),
        "when": shown.when,
        "placement": shown.placement,
        "area": shown.area,
        "agreement": shown.agreement,
        "summary": shown.summary,
        # Labels go to the right of early points and to the left of late ones, so they stay inside the chart.
        "label_side": ["right" if p < 0.5 else "left" for p in position],
    })
    areas = list(dict.fromkeys(plotted.area))
    pick_area = alt.selection_point(name="pick_area", fields=["area"], bind="legend")
    highlight = alt.condition(pick_area, alt.value(1.0), alt.value(0.2))
    x = alt.X(
        "date:T", title=None,
        scale=alt.Scale(type="utc", domain=[alt.DateTime(year=first_year, month=1, date=1, utc=True),
                                            alt.DateTime(year=last_year, month=12, date=31, utc=True)]),
        axis=alt.Axis(format="%Y", tickCount="year", grid=True, labelAngle=0),
    )
    y = alt.Y("order:O", axis=None, title=None)
    tooltip = [alt.Tooltip("when:N", title="Date"), alt.Tooltip("area:N", title="Area"),
               alt.Tooltip("agreement:N", title="Document"), alt.Tooltip("summary:N", title="What it does"),
               alt.Tooltip("placement:N", title="Placed by")]
    base = alt.Chart(plotted).encode(x=x, y=y, tooltip=tooltip)
    points = base.mark_point(size=160, filled=True, strokeWidth=2).encode(
        color=alt.Color("area:N", title="Area", sort=areas),
        # The shape is explained in the caption and tooltip; a second legend would not fit beside the first.
        shape=alt.Shape("placement:N", legend=None,
                        scale=alt.Scale(domain=[PLACED_BY_MONTH, PLACED_MID_YEAR], range=["circle", "diamond"])),
        opacity=highlight,
    ).add_params(pick_area)
    right = base.mark_text(align="left", dx=10, fontSize=11, color="#222").encode(
        text="agreement:N", opacity=highlight
    ).transform_filter(alt.FieldEqualPredicate(field="label_side", equal="right"))
    left = base.mark_text(align="right", dx=-10, fontSize=11, color="#222").encode(
        text="agreement:N", opacity=highlight
    ).transform_filter(alt.FieldEqualPredicate(field="label_side", equal="left"))
    chart = styled(alt.layer(points, right, left))
    description = (
        f"Timeline of {len(plotted)} Union State documents, {plotted.when.iloc[0]} to {plotted.when.iloc[-1]}: "
        + "; ".join(f"{w}, {a} ({area})" for w, a, area in zip(plotted.when, plotted.agreement, plotted.area))
        + "."
    )
    figure = ChartFigure("fig-6a-agreements", chart, Attribution(["union_state_agreements"], note, data_dir), description)
    return figure, numbers, sentences


def _agreements_text(dated: pd.DataFrame, shown: pd.DataFrame, start_year: int, end_year: int) -> str:
    total = len(dated)
    if shown.empty:
        return (
            f"This edition covers {start_year}–{end_year}, and none of the {total} documents the article lists "
            f"falls within it (the first is dated {dated.when.iloc[0]}), so the timeline is empty."
        )
    placed = int((~shown.month_given).sum())
    mid_year = (
        f" Of these, {placed} {'has' if placed == 1 else 'have'} no month in the article and "
        f"{'is' if placed == 1 else 'are'} drawn at mid-year (a diamond instead of a circle)."
        if placed else ""
    )
    if len(shown) == total:
        return (f"The timeline shows all {total} documents the article lists, from {shown.when.iloc[0]} "
                f"to {shown.when.iloc[-1]}, in {shown.area.nunique()} policy areas.{mid_year}")
    return (f"This edition ({start_year}–{end_year}) shows {len(shown)} of the {total} documents the article lists, "
            f"from {shown.when.iloc[0]} to {shown.when.iloc[-1]}; the others fall outside it.{mid_year}")


def _agreements_list(shown: pd.DataFrame, start_year: int, end_year: int) -> str:
    """A Markdown list of the documents in the window, from the data (dates, names and summaries)."""
    if shown.empty:
        return f"*No document of the article's list falls within {start_year}–{end_year}.*"
    return "\n".join(
        f"- **{when}.** {agreement}: {summary[0].lower() + summary[1:]}{'' if summary.endswith('.') else '.'}"
        for when, agreement, summary in zip(shown.when, shown.agreement, shown.summary)
    )


def _programmes_text(numbers: dict, end_year: int) -> str:
    programmes, credit = numbers["union_programmes_count"], numbers["import_substitution_credit_bn_rub"]
    parts = []
    if m.available(programmes):
        parts.append(f"The Basic Directions of November 2021 came with {programmes:.0f} sectoral Union programmes.")
    if m.available(credit):
        parts.append(f"The loan agreed in November 2022 amounts to {credit:.0f} billion roubles.")
    if not parts:
        return (f"The article's counts for these documents (the number of sectoral programmes of November 2021, "
                f"the size of the November 2022 loan) refer to years after {end_year}, the end of this edition.")
    return " ".join(parts)


# --- Figure 6b: Russian investment -----------------------------------------------------------

INVESTMENT_IDS = {
    2021: ("russian_investment_real_sector_2021_bn_usd", "russia_share_of_foreign_investment_2021_pct"),
    2023: ("russian_investment_real_sector_2023_bn_usd", "russia_share_of_foreign_investment_2023_pct"),
}


def implied_total(part: float, share_pct: float) -> float:
    """The whole a part implies when it is `share_pct` per cent of it."""
    return part / (share_pct / 100)


def implied_total_bounds(part: float, share_pct: float, part_step: float = 0.1, share_step: float = 0.1) -> tuple[float, float]:
    """Lowest and highest whole consistent with a part and a share rounded to `part_step` and `share_step`."""
    low = implied_total(part - part_step / 2, share_pct + share_step / 2)
    high = implied_total(part + part_step / 2, share_pct - share_step / 2)
    return low, high


def investment_figure(figures: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Figure 6b: Russian investment and the total foreign investment it implies, 2021 and 2023."""
    rows = []
    for year, (amount_id, share_id) in INVESTMENT_IDS.items():
        amount = m.quoted_in_window(figures, amount_id, start_year, end_year)
        share = m.quoted_in_window(figures, share_id, start_year, end_year)
        if not m.available(amount, share):
            continue
        total = implied_total(amount, share)
        rows.append({"year": year, "part": RUSSIA_PART, "bn_usd": round(amount, 3), "russia_share_pct": share, "implied_total_bn_usd": round(total, 3)})
        rows.append({"year": year, "part": OTHERS_PART, "bn_usd": round(total - amount, 3), "russia_share_pct": share, "implied_total_bn_usd": round(total, 3)})
    plotted = pd.DataFrame(rows, columns=["year", "part", "bn_usd", "russia_share_pct", "implied_total_bn_usd"])
    numbers = _investment_numbers(plotted)
    sentences = {"investment_sentence": _investment_text(numbers, end_year),
                 "investment_reading_sentence": _investment_reading(numbers)}
    note = ("Russia's investment in the real sector and its share of all foreign investment received, as the article quotes "
            "them from Belstat's yearbook; the total is Russia's amount divided by its share, the rest is total minus Russia.")
    if plotted.empty:
        message = f"The article's investment figures are for 2021 and 2023, outside this edition ({start_year}–{end_year})."
        return no_data_figure("fig-6b-investment", message, ["article_figures"], note, data_dir), numbers, sentences
    bars = alt.Chart(plotted).mark_bar(size=70).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("bn_usd:Q", title="billion USD", stack="zero"),
        color=alt.Color("part:N", title=None, sort=[RUSSIA_PART, OTHERS_PART]),
        order=alt.Order("part:N", sort="descending"),
        tooltip=["year:O", "part:N", alt.Tooltip("bn_usd:Q", format=".2f", title="bn USD"),
                 alt.Tooltip("russia_share_pct:Q", format=".1f", title="Russia's share, %"),
                 alt.Tooltip("implied_total_bn_usd:Q", format=".2f", title="implied total, bn USD")],
    )
    labels = alt.Chart(plotted).mark_text(dy=-8, fontSize=12, color="#222").encode(
        x="year:O", y="implied_total_bn_usd:Q", text="label:N",
    ).transform_filter(alt.FieldEqualPredicate(field="part", equal=RUSSIA_PART)).transform_calculate(
        label="'Russia: ' + format(datum.russia_share_pct, '.1f') + '% of the total'"
    )
    chart = styled(alt.layer(bars, labels))
    figure = ChartFigure(
        "fig-6b-investment", chart, Attribution(["article_figures"], note, data_dir),
        "Stacked bars of foreign investment received by Belarus, billion USD: Russia's part as the article gives it "
        "and the rest implied by Russia's share. " + describe_series(plotted, "year", "bn_usd", "part", " bn USD")
        + " Russia's share: " + ", ".join(f"{s:.1f}% in {y}" for y, s in plotted.groupby("year").russia_share_pct.first().items()) + ".",
    )
    return figure, numbers, sentences


def _investment_numbers(plotted: pd.DataFrame) -> dict:
    value = lambda year, part, column="bn_usd": (
        float(plotted.loc[(plotted.year == year) & (plotted.part == part), column].iloc[0])
        if ((plotted.year == year) & (plotted.part == part)).any() else math.nan
    )
    numbers = {
        "russian_investment_2021_bn": value(2021, RUSSIA_PART),
        "russian_investment_2023_bn": value(2023, RUSSIA_PART),
        "russia_investment_share_2021_pct": value(2021, RUSSIA_PART, "russia_share_pct"),
        "russia_investment_share_2023_pct": value(2023, RUSSIA_PART, "russia_share_pct"),
        "implied_total_2021_bn": value(2021, RUSSIA_PART, "implied_total_bn_usd"),
        "implied_total_2023_bn": value(2023, RUSSIA_PART, "implied_total_bn_usd"),
        "other_investment_2021_bn": value(2021, OTHERS_PART),
        "other_investment_2023_bn": value(2023, OTHERS_PART),
    }
    n = numbers
    numbers["russian_investment_growth_pct"] = (n["russian_investment_2023_bn"] / n["russian_investment_2021_bn"] - 1) * 100
    numbers["russia_investment_share_change_pp"] = n["russia_investment_share_2023_pct"] - n["russia_investment_share_2021_pct"]
    numbers["implied_total_change_pct"] = (n["implied_total_2023_bn"] / n["implied_total_2021_bn"] - 1) * 100
    numbers["other_investment_change_pct"] = (n["other_investment_2023_bn"] / n["other_investment_2021_bn"] - 1) * 100
    # Counterfactual: Russia's 2023 share had investment from everyone else stayed at its 2021 level.
    numbers["russia_share_2023_if_others_unchanged_pct"] = (
        n["russian_investment_2023_bn"] / (n["russian_investment_2023_bn"] + n["other_investment_2021_bn"]) * 100
    )
    # Split the rise in Russia's share: the step to the counterfactual is due to more Russian money,
    # the rest to the change in everyone else's investment.
    numbers["share_rise_from_others_pp"] = n["russia_investment_share_2023_pct"] - numbers["russia_share_2023_if_others_unchanged_pct"]
    numbers["share_rise_from_others_pct_of_rise"] = numbers["share_rise_from_others_pp"] / numbers["russia_investment_share_change_pp"] * 100
    return numbers


def _investment_reading(n: dict) -> str:
    if not m.available(n["share_rise_from_others_pp"]):
        return ("The article reads a rising Russian share as a sign of deeper integration; judging how much of such a "
                "rise comes from Russian money and how much from other investors needs both years, 2021 and 2023.")
    own = n["russia_investment_share_change_pp"] - n["share_rise_from_others_pp"]
    others = "a fall" if n["other_investment_change_pct"] < 0 else "a rise"
    return (
        f"The article reads the rising share as a sign of deeper integration, and Russian money did "
        f"{'grow' if n['russian_investment_growth_pct'] > 0 else 'not grow'}. The implied totals give one way to split "
        f"the {n['russia_investment_share_change_pp']:.1f}-point change in Russia's share in two: "
        f"{own:.1f} points come from the change in Russian investment (holding everyone else at its 2021 level), "
        f"and {n['share_rise_from_others_pp']:.1f} points, {n['share_rise_from_others_pct_of_rise']:.0f}% of the "
        f"change, from {others} in investment from everyone else."
    )


def _investment_text(n: dict, end_year: int) -> str:
    has_2021 = m.available(n["russian_investment_2021_bn"])
    has_2023 = m.available(n["russian_investment_2023_bn"])
    if not has_2021 and not has_2023:
        return (f"The article's investment figures refer to 2021 and 2023, after {end_year}, the last year of "
                "this edition, so this section has no numbers to show.")
    if not (has_2021 and has_2023):
        year = 2021 if has_2021 else 2023
        return (f"Only the article's {year} figures fall within this edition: Russia invested "
                f"{n[f'russian_investment_{year}_bn']:.1f} bn USD in Belarus's real sector, "
                f"{n[f'russia_investment_share_{year}_pct']:.1f}% of all foreign investment received, which implies "
                f"a total of about {n[f'implied_total_{year}_bn']:.1f} bn USD.")
    low21, high21 = implied_total_bounds(n["russian_investment_2021_bn"], n["russia_investment_share_2021_pct"])
    low23, high23 = implied_total_bounds(n["russian_investment_2023_bn"], n["russia_investment_share_2023_pct"])
    return (
        f"Russian investment received by Belarus's real sector rose from {n['russian_investment_2021_bn']:.1f} bn USD "
        f"in 2021 to {n['russian_investment_2023_bn']:.1f} bn in 2023, by {n['russian_investment_growth_pct']:.0f}%, "
        f"and Russia's share of all foreign investment received went from "
        f"{n['russia_investment_share_2021_pct']:.1f}% to {n['russia_investment_share_2023_pct']:.1f}%, "
        f"{n['russia_investment_share_change_pp']:.1f} percentage points more. "
        f"Dividing each amount by its share gives the total the two figures imply: about "
        f"{n['implied_total_2021_bn']:.1f} bn USD in 2021 and {n['implied_total_2023_bn']:.1f} bn in 2023 "
        f"(the rounding of the printed figures allows {low21:.1f}–{high21:.1f} and {low23:.1f}–{high23:.1f}), "
        f"that is {abs(n['implied_total_change_pct']):.0f}% {'less' if n['implied_total_change_pct'] < 0 else 'more'}. "
        f"Investment from all other countries together went from about {n['other_investment_2021_bn']:.1f} bn "
        f"to {n['other_investment_2023_bn']:.1f} bn USD, "
        f"{'a fall' if n['other_investment_change_pct'] < 0 else 'a rise'} of {abs(n['other_investment_change_pct']):.0f}%. "
        f"Had it stayed at its 2021 level, Russia's 2023 share would have been "
        f"{n['russia_share_2023_if_others_unchanged_pct']:.1f}%, not {n['russia_investment_share_2023_pct']:.1f}%."
    )


# --- the import-substitution projects --------------------------------------------------------

def projects_numbers(figures: pd.DataFrame, start_year: int, end_year: int) -> tuple[dict, dict]:
    numbers = {
        "projects_selected": m.quoted_in_window(figures, "union_state_industrial_projects_selected_count", start_year, end_year),
        "projects_launched_more_than": m.quoted_in_window(figures, "union_state_industrial_projects_launched_min_count", start_year, end_year),
    }
    if m.available(numbers["projects_selected"], numbers["projects_launched_more_than"]):
        text = (f"By the end of 2024, on official estimates the article cites, {numbers['projects_selected']:.0f} joint "
                "projects in microelectronics, chemicals, metallurgy and machine building had been selected, and more "
                f"than {numbers['projects_launched_more_than']:.0f} of them were already under way.")
    else:
        text = (f"The article's count of joint projects refers to the end of 2024, after {end_year}, the last year of "
                "this edition.")
    return numbers, {"projects_sentence": text}


# --- Figure 6c: the KTES -----------------------------------------------------------------------

def ktes_figure(dots: pd.DataFrame, figures: pd.DataFrame, wdi: pd.DataFrame, start_year: int, end_year: int, data_dir=None,
                weo: pd.DataFrame | None = None):
    """Figure 6c: KTES computed over the years available, with the article's 2021 and 2023 values.

    `weo` (IMF WEO GDP, present once a refresh has fetched it) fills the years the World Bank lacks.
    """
    series = ktes_series(dots, figures, wdi, weo)
    window = series.loc[start_year:end_year]
    weo_years = [int(y) for y in window.index[window.gdp_source == m.WEO_GDP]]
    stated = {
        year: m.quoted_in_window(figures, f"ktes_belarus_russia_{year}_index", start_year, end_year) for year in (2021, 2023)
    }
    computed_rows = pd.DataFrame({
        "year": window.index.astype(int),
        "series": COMPUTED,
        "ktes": window.ktes.round(4).to_numpy(),
        "turnover_bn_usd": window.turnover.round(3).to_numpy(),
        "gdp_sum_bn_usd": window.gdp_sum_bn.round(1).to_numpy(),
        "trade_source": window.source.fillna("").to_numpy(),
        "gdp_source": window.gdp_source.fillna("").to_numpy(),
        "missing": window.missing.to_numpy(),
    })
    stated_rows = pd.DataFrame([
        {"year": year, "series": STATED, "ktes": value, "turnover_bn_usd": math.nan, "gdp_sum_bn_usd": math.nan,
         "trade_source": "ITC Trade Map (article's footnote 26)", "gdp_source": "IMF WEO (article)", "missing": ""}
        for year, value in stated.items() if m.available(value)
    ], columns=computed_rows.columns)
    plotted = pd.concat([computed_rows, stated_rows], ignore_index=True) if len(stated_rows) else computed_rows
    numbers, sentences = _ktes_numbers(series, window, stated, start_year, end_year, weo is not None)
    resources = ["imf_dots", "article_figures", "wdi"] + (["weo_gdp"] if weo_years else [])
    note = ("KTES = mutual goods trade / (GDP of Belarus + GDP of Russia) × 100, all in current USD. Trade: IMF DOTS "
            "(Belarus-reported) to 2020, the article's figures for 2021, 2023 and 2024; GDP: WDI NY.GDP.MKTP.CD"
            + (f", and IMF WEO NGDPD for {m.join_years(weo_years)}, which the World Bank series does not cover" if weo_years else "")
            + ". Gaps are years with no trade figure or no GDP in the snapshot.")
    if window.ktes.notna().sum() == 0 and plotted.ktes.notna().sum() == 0:
        message = f"No year of {start_year}–{end_year} has both mutual trade and GDP in the snapshot."
        return no_data_figure("fig-6c-ktes", message, resources, note, data_dir), numbers, sentences
    pick_series = alt.selection_point(name="pick_series", fields=["series"], bind="legend")
    highlight = alt.condition(pick_series, alt.value(1.0), alt.value(0.2))
    years = sorted(int(y) for y in plotted.year.unique())
    x = alt.X("year:O", title=None, scale=alt.Scale(domain=years),
              axis=alt.Axis(labelAngle=0, values=[y for y in years if (y - years[0]) % 4 == 0 or y == years[-1]]))
    color = alt.Color("series:N", title=None, sort=[COMPUTED, STATED],
                      scale=alt.Scale(domain=[COMPUTED, STATED], range=["#0072B2", "#D55E00"]))
    tooltip = ["year:O", "series:N", alt.Tooltip("ktes:Q", format=".3f", title="KTES"),
               alt.Tooltip("turnover_bn_usd:Q", format=".1f", title="mutual trade, bn USD"),
               alt.Tooltip("gdp_sum_bn_usd:Q", format=",.0f", title="GDP of both, bn USD"),
               "trade_source:N", "gdp_source:N", "missing:N"]
    base = alt.Chart(plotted).encode(x=x, y=alt.Y("ktes:Q", title="KTES (mutual trade, % of combined GDP)", scale=alt.Scale(zero=True)),
                                     color=color, tooltip=tooltip)
    line = base.mark_line(point=True).encode(opacity=highlight).transform_filter(
        alt.FieldEqualPredicate(field="series", equal=COMPUTED)).add_params(pick_series)
    # Hollow diamonds, so the computed point for the same year stays visible inside them.
    marks = base.mark_point(shape="diamond", size=220, filled=False, strokeWidth=2).encode(opacity=highlight).transform_filter(
        alt.FieldEqualPredicate(field="series", equal=STATED))
    chart = styled(alt.layer(line, marks))
    gaps = [int(y) for y in window.index[window.ktes.isna()]]
    description = (
        "Line of the trade-economic connectedness coefficient (KTES) of Belarus and Russia by year, with the article's "
        "own values as separate diamonds. " + describe_series(plotted, "year", "ktes", "series", "")
        + (f" No value for {m.join_years(gaps)} (no trade figure or no GDP in the snapshot)." if gaps else "")
    )
    figure = ChartFigure("fig-6c-ktes", chart, Attribution(resources, note, data_dir), description)
    return figure, numbers, sentences


def _ktes_numbers(series: pd.DataFrame, window: pd.DataFrame, stated: dict, start_year: int, end_year: int, weo_held: bool):
    computed = window.ktes.dropna()
    numbers: dict = {}
    sentences: dict = {}
    if computed.empty:
        numbers.update(ktes_first_year=math.nan, ktes_first=math.nan, ktes_min=math.nan, ktes_min_year=math.nan,
                       ktes_max=math.nan, ktes_max_year=math.nan, ktes_years=0)
    else:
        numbers.update(
            ktes_first_year=int(computed.index.min()), ktes_first=float(computed.iloc[0]),
            ktes_min=float(computed.min()), ktes_min_year=int(computed.idxmin()),
            ktes_max=float(computed.max()), ktes_max_year=int(computed.idxmax()),
            ktes_years=int(len(computed)),
        )
    # GDP of Russia relative to Belarus in the last window year with both.
    gdp = window.dropna(subset=["gdp_blr", "gdp_rus"])
    numbers["gdp_ratio_year"] = int(gdp.index.max()) if len(gdp) else math.nan
    numbers["gdp_ratio_rus_to_blr"] = float(gdp.gdp_rus.iloc[-1] / gdp.gdp_blr.iloc[-1]) if len(gdp) else math.nan
    sentences["ktes_gaps_sentence"] = _gaps_text(window, start_year, end_year, weo_held)
    sentences["ktes_decline_sentence"] = _decline_text(window)
    for year in (2021, 2023):
        value = float(window.at[year, "ktes"]) if year in window.index else math.nan
        numbers[f"ktes_{year}_computed"] = value
        numbers[f"ktes_{year}_stated"] = stated[year]
        numbers[f"ktes_{year}_difference"] = stated[year] - value
        turnover = float(window.at[year, "turnover"]) if year in window.index else math.nan
        gdp_sum = float(window.at[year, "gdp_sum_bn"]) if year in window.index else math.nan
        numbers[f"ktes_{year}_turnover_bn"] = turnover
        numbers[f"ktes_{year}_gdp_sum_wdi_bn"] = gdp_sum
        # What the stated value implies: the combined GDP with the same trade, or the trade with the same GDP.
        numbers[f"ktes_{year}_implied_gdp_sum_bn"] = turnover / stated[year] * 100
        numbers[f"ktes_{year}_implied_turnover_bn"] = stated[year] * gdp_sum / 100
        # Range of KTES that the rounding of trade to 0.1 bn (two flows, ±0.05 each) allows.
        numbers[f"ktes_{year}_rounding_low"] = (turnover - 0.1) / gdp_sum * 100
        numbers[f"ktes_{year}_rounding_high"] = (turnover + 0.1) / gdp_sum * 100
    sentences["ktes_comparison_sentence"] = _comparison_text(numbers, end_year)
    sentences["ktes_record_sentence"] = _record_text(window, numbers)
    return numbers, sentences


def _gaps_text(window: pd.DataFrame, start_year: int, end_year: int, weo_held: bool) -> str:
    no_trade = [int(y) for y in window.index[window.turnover.isna()]]
    no_gdp = [int(y) for y in window.index[window.turnover.notna() & (window.gdp_blr.isna() | window.gdp_rus.isna())]]
    parts = []
    if no_trade:
        parts.append(f"no figure for mutual trade in {m.join_years(no_trade)} (the IMF series in the snapshot ends in 2020 "
                     "and the article gives no Belarus–Russia figures for 2022)")
    if no_gdp:
        parts.append(f"no GDP for {m.join_years(no_gdp)} (the World Bank series ends before it, and "
                     + ("the IMF's WEO series in the snapshot does not reach it either)" if weo_held else
                        "the IMF's WEO, series NGDPD, is not in the snapshot yet: `make refresh` fetches it when online)"))
    weo_years = [int(y) for y in window.index[window.gdp_source == m.WEO_GDP]]
    weo = (f" GDP for {m.join_years(weo_years)} is the IMF's WEO estimate, because the World Bank series does not reach "
           f"{'that year' if len(weo_years) == 1 else 'those years'}." if weo_years else "")
    if not parts:
        return f"Within this edition ({start_year}–{end_year}) every year has both trade and GDP.{weo}"
    return (f"The coefficient is missing where the snapshot has {' and '.join(parts)}; the chart leaves those years empty "
            f"rather than guessing.{weo}")


def _decline_text(window: pd.DataFrame) -> str:
    computed = window.dropna(subset=["ktes"])
    if len(computed) < 2:
        return "This edition's window has too few years with a computed coefficient to describe its path."
    first, low = computed.iloc[0], computed.loc[computed.ktes.idxmin()]
    first_year, low_year = int(computed.index[0]), int(computed.ktes.idxmin())
    if low_year == first_year:
        return (f"Within this edition the coefficient never fell below its {first_year} value of {first.ktes:.2f}; "
                f"its highest was {computed.ktes.max():.2f} in {int(computed.ktes.idxmax())}.")
    trade_growth = low.turnover / first.turnover
    gdp_growth = low.gdp_sum_bn / first.gdp_sum_bn
    russia_part = (low.gdp_rus - first.gdp_rus) / (low.gdp_blr + low.gdp_rus - first.gdp_blr - first.gdp_rus) * 100
    trade = (f"Trade did not shrink: it grew {trade_growth:.1f} times" if trade_growth > 1
             else f"Trade fell to {trade_growth:.2f} times its level")
    gdp = (f"the combined GDP in dollars grew {gdp_growth:.1f} times, and Russia accounts for {russia_part:.0f}% of that increase"
           if gdp_growth > 1 else f"the combined GDP in dollars changed to {gdp_growth:.2f} times its level")
    return (
        f"In {first_year} mutual trade came to {first.ktes:.2f}% of the two countries' combined GDP; by {low_year}, the "
        f"lowest point, it was {low.ktes:.2f}%. {trade} between {first_year} and {low_year}, but {gdp}."
    )


def _comparison_text(n: dict, end_year: int) -> str:
    parts = []
    for year in (2021, 2023):
        computed, stated = n[f"ktes_{year}_computed"], n[f"ktes_{year}_stated"]
        if not m.available(computed, stated):
            continue
        low, high = n[f"ktes_{year}_rounding_low"], n[f"ktes_{year}_rounding_high"]
        within = low <= stated <= high
        parts.append(
            f"For {year} the book obtains {computed:.3f} against the article's {stated:.3f}, a difference of "
            f"{_signed(stated - computed)}. "
            + (f"That is within what the rounding of the trade figures allows ({low:.3f}–{high:.3f}), so the two agree."
               if within else
               f"That is more than the rounding of the trade figures explains ({low:.3f}–{high:.3f}): with the World "
               f"Bank's GDP ({n[f'ktes_{year}_gdp_sum_wdi_bn']:,.0f} bn USD for both countries) the article's value would need "
               f"mutual trade of {n[f'ktes_{year}_implied_turnover_bn']:.1f} bn USD instead of "
               f"{n[f'ktes_{year}_turnover_bn']:.1f} bn; with {n[f'ktes_{year}_turnover_bn']:.1f} bn of trade it implies a "
               f"combined GDP of {n[f'ktes_{year}_implied_gdp_sum_bn']:,.0f} bn USD, "
               f"{(1 - n[f'ktes_{year}_implied_gdp_sum_bn'] / n[f'ktes_{year}_gdp_sum_wdi_bn']) * 100:.1f}% below the World Bank's. "
               "The snapshot holds neither the series the article used for trade nor its GDP vintage, so it cannot tell "
               "which of the two explains this gap; a refresh from either source would.")
        )
    if not parts:
        return (f"The article's values refer to 2021 and 2023, after {end_year}, the last year of this edition, so the "
                "comparison cannot be made here.")
    return " ".join(parts)


def _record_text(window: pd.DataFrame, n: dict) -> str:
    computed = window.ktes.dropna()
    if 2023 not in computed.index:
        return ("The article calls its 2023 value a record; 2023 lies outside this edition, so the claim is not examined here.")
    value = float(computed.loc[2023])
    earlier = computed.loc[computed.index < 2023]
    higher = earlier[earlier > max(value, n["ktes_2023_stated"])]
    if earlier.empty:
        return "This edition has no earlier year to compare the 2023 value with."
    if higher.empty:
        return (f"Within this edition ({int(earlier.index.min())}–2023) the computed 2023 value, {value:.2f}, is indeed "
                f"the highest, so the article's word \"record\" holds for this window.")
    return (
        f"The article calls its 2023 value a record. On the book's computation it is the highest since "
        f"{int(higher.index.max())}: the coefficient was higher in {len(higher)} earlier "
        f"year{'s' if len(higher) > 1 else ''} ({m.join_years([int(y) for y in higher.index])}), "
        f"above both the computed {value:.2f} and the stated {n['ktes_2023_stated']:.3f}, with a peak of "
        f"{higher.max():.2f} in {int(higher.idxmax())}, when Russia's economy, measured in dollars, was far "
        "smaller. The article does not say which period it compares with; a series that starts later would make 2023 "
        "a record."
    )

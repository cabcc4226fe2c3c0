"""Figures 4–6 of the pre-sanction chapter: the commodity structure of trade with Russia (SITC
sections from UN Comtrade beside the shares the article quotes) and the export concentration index.
"""
from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from belarus_trade.analysis import methods as m
from belarus_trade.chapters.charts import WIDTH
from belarus_trade.chapters.pre_sanction import (
    DECADE,
    FIRST_YEAR,
)
from belarus_trade.data.lineage import sourced
from belarus_trade.i18n import N_, number, tr, trc

# --- Figures 4 and 5: the commodity structure -----------------------------------------------------
#
# With UN Comtrade in the snapshot (a refresh fetches it when online) the figures show every SITC
# section for 2012 and 2021 from Belarus's own reports, with the article's quoted shares as marks
# beside them. Without it they show only the shares the article quotes, and say so.

# Labels of Figures 4 and 5 (English in the frames; the chart's cell translates its copy).
# The groups the article names:
FUELS = N_("Mineral fuels (SITC 3)")
MACHINERY = N_("Machinery, transport eq. (SITC 7)")
FOOD = N_("Food products")
CRUDE = N_("Crude oil (2019, ITC)")
GAS = N_("Natural gas (2019, ITC)")
# The rest, which no offline source divides:
OTHER = N_("All other sections")
NOT_OFFLINE = N_("not in the snapshot; UN Comtrade fills it after a refresh")
# Where the article's shares come from:
UNCTAD_BASIS = N_("UNCTAD, author's calculation")
ITC_BASIS = N_("ITC Trade Map 2019, author's calculation")

# The shares the article quotes, a bar each: (flow, group, year, the figure's id, its basis).
QUOTED_BARS = [
    ("imports", MACHINERY, 2012, "machinery_share_of_imports_from_russia_2012_pct", UNCTAD_BASIS),
    ("imports", MACHINERY, 2021, "machinery_share_of_imports_from_russia_2021_pct", UNCTAD_BASIS),
    ("imports", CRUDE, 2019, "crude_oil_share_of_russia_exports_to_belarus_2019_pct", ITC_BASIS),
    ("imports", GAS, 2019, "natural_gas_share_of_russia_exports_to_belarus_2019_pct", ITC_BASIS),
    ("exports", FOOD, 2012, "food_share_of_exports_to_russia_2012_pct", UNCTAD_BASIS),
    ("exports", FOOD, 2021, "food_share_of_exports_to_russia_2021_pct", UNCTAD_BASIS),
    ("exports", MACHINERY, 2012, "machinery_share_of_exports_to_russia_2012_pct", UNCTAD_BASIS),
    ("exports", MACHINERY, 2021, "machinery_share_of_exports_to_russia_2021_pct", UNCTAD_BASIS),
]
# Each figure: its key, what it shows, its text rows (a change quoted without levels) and its groups in order.
STRUCTURE = {
    "imports": {"key": "fig-4-imports-structure", "title": "imports from Russia",
                "notes": [(FUELS, 2021, N_("level not quoted; share fell by almost half, 2012 → 2021"))],
                "groups": [FUELS, CRUDE, GAS, MACHINERY, OTHER]},
    "exports": {"key": "fig-5-exports-structure", "title": "exports to Russia", "notes": [],
                "groups": [FOOD, MACHINERY, OTHER]},
}
MACHINERY_VALUES = {2012: "machinery_exports_to_russia_2012_bn_usd", 2021: "machinery_exports_to_russia_2021_bn_usd"}

# SITC Rev. 3 sections, as the figures label them.
SITC_SECTIONS = {
    "0": N_("0 Food and live animals"), "1": N_("1 Beverages and tobacco"), "2": N_("2 Crude materials, exc. fuels"),
    "3": N_("3 Mineral fuels"), "4": N_("4 Animal and vegetable oils"), "5": N_("5 Chemicals"),
    "6": N_("6 Manufactured goods by material"), "7": N_("7 Machinery and transport eq."),
    "8": N_("8 Miscellaneous manufactures"), "9": N_("9 Not classified elsewhere"),
}
# The section each quoted share is set beside. The article's "food products" is probably UNCTAD's
# food group (SITC 0, 1, 4 and 22), so beside section 0 alone it is an approximate comparison.
QUOTED_SECTION = {MACHINERY: "7", FOOD: "0"}
PERIOD_COLOURS = {"2012": "#999999", "2019": "#E69F00", "2021": "#0072B2"}
STRUCTURE_WIDTH = WIDTH  # the policy width, group labels included (charts are laid out "fit-x")


def quoted_bars(flow: str) -> list[tuple]:
    """The article's quoted shares of one flow: (group, year, the figure's id, its basis)."""
    return [bar[1:] for bar in QUOTED_BARS if bar[0] == flow]


@sourced
def structure_frame(figures: pd.DataFrame, flow: str, start_year: int, end_year: int) -> pd.DataFrame:
    """The quoted shares of one flow as rows (a bar each), plus text rows for what is not drawn.

    A text row has no share: the fuel-share fall the article gives without levels, and the
    sections no offline source covers. Nothing else is filled in.
    """
    spec = STRUCTURE[flow]
    rows = []
    for group, year, figure_id, basis in quoted_bars(flow):
        value = m.quoted(figures, MACHINERY_VALUES[year]) if flow == "exports" and group == MACHINERY else math.nan
        rows.append({"group": group, "year": year, "period": str(year), "share_pct": m.quoted(figures, figure_id),
                     "value_bn_usd": value, "basis": basis, "note": ""})
    for group, year, note in spec["notes"]:
        rows.append({"group": group, "year": year, "period": "2012 → 2021", "share_pct": math.nan, "value_bn_usd": math.nan,
                     "basis": UNCTAD_BASIS, "note": note})
    frame = m.within(pd.DataFrame(rows), start_year, end_year)
    if not frame.empty:
        frame = pd.concat([frame, pd.DataFrame([{
            "group": OTHER, "year": int(frame.year.max()), "period": "–", "share_pct": math.nan, "value_bn_usd": math.nan,
            "basis": "", "note": NOT_OFFLINE}])], ignore_index=True)
    return frame


@sourced
def comtrade_shares(comtrade: pd.DataFrame, flow: str, years) -> pd.DataFrame:
    """Each SITC section's share of Belarus's trade with Russia in one flow, for the given years.

    Shares are of the sum over the ten sections (which is the total the publisher reports).
    Returns `year, sitc_section, section, value_bn_usd, share_pct`, one row per section and year.
    """
    rows = comtrade[(comtrade.flow == flow) & comtrade.year.isin(list(years))].copy()
    rows["share_pct"] = rows.value_usd / rows.groupby("year").value_usd.transform("sum") * 100
    rows["value_bn_usd"] = rows.value_usd / 1e9
    rows["section"] = rows.sitc_section.map(SITC_SECTIONS)
    return rows[["year", "sitc_section", "section", "value_bn_usd", "share_pct"]].sort_values(
        ["year", "sitc_section"], ignore_index=True)


def comtrade_years(comtrade: pd.DataFrame | None, flow: str, start_year: int, end_year: int) -> list[int]:
    """The article's comparison years (2012, 2021) that the Comtrade data hold within the edition."""
    if comtrade is None:
        return []
    held = set(comtrade.loc[comtrade.flow == flow, "year"])
    return [year for year in DECADE if year in held and start_year <= year <= end_year]


@sourced
def quoted_marks(figures: pd.DataFrame, flow: str, years: list[int]) -> pd.DataFrame:
    """The article's quoted shares for SITC sections, placed on the section they describe."""
    rows = []
    for group, year, figure_id, _ in quoted_bars(flow):
        if group in QUOTED_SECTION and year in years:
            rows.append({"year": year, "period": str(year), "section": SITC_SECTIONS[QUOTED_SECTION[group]],
                         "quoted_share_pct": m.quoted(figures, figure_id), "quoted_as": group})
    return pd.DataFrame(rows, columns=["year", "period", "section", "quoted_share_pct", "quoted_as"])


@sourced
def comtrade_structure_frame(comtrade: pd.DataFrame, figures: pd.DataFrame, flow: str, years: list[int]) -> pd.DataFrame:
    """Every section's share from UN Comtrade (`comtrade_shares`) with the article's quoted share
    beside the section it describes (`quoted_share_pct`, `quoted_as`; empty elsewhere)."""
    shares = comtrade_shares(comtrade, flow, years).assign(period=lambda f: f.year.astype(str))
    plotted = shares.merge(quoted_marks(figures, flow, years), on=["year", "period", "section"], how="left")
    plotted["quoted_as"] = plotted.quoted_as.fillna("")
    return plotted


def structure_numbers(trade: pd.DataFrame, figures: pd.DataFrame, start_year: int, end_year: int) -> dict:
    """The shares the article quotes for 2012 and 2021 and the export totals they imply; NaN
    outside the edition's years."""
    def q(figure_id):
        return m.quoted_in_window(figures, figure_id, start_year, end_year)

    n = {
        "fuel_share_fall_times": q("mineral_fuel_share_of_imports_from_russia_fall_2012_2021_times"),
        "machinery_import_share_2012_pct": q("machinery_share_of_imports_from_russia_2012_pct"),
        "machinery_import_share_2021_pct": q("machinery_share_of_imports_from_russia_2021_pct"),
        "food_export_share_2012_pct": q("food_share_of_exports_to_russia_2012_pct"),
        "food_export_share_2021_pct": q("food_share_of_exports_to_russia_2021_pct"),
        "machinery_export_share_2012_pct": q("machinery_share_of_exports_to_russia_2012_pct"),
        "machinery_export_share_2021_pct": q("machinery_share_of_exports_to_russia_2021_pct"),
        "machinery_exports_2012_bn": q("machinery_exports_to_russia_2012_bn_usd"),
        "machinery_exports_2021_bn": q("machinery_exports_to_russia_2021_bn_usd"),
        "exports_article_2021_bn": q("exports_to_russia_2021_bn_usd"),
    }
    n["implied_exports_2012_bn"] = n["machinery_exports_2012_bn"] / n["machinery_export_share_2012_pct"] * 100
    n["implied_exports_2021_bn"] = n["machinery_exports_2021_bn"] / n["machinery_export_share_2021_pct"] * 100
    n["machinery_exports_change_pct"] = (n["machinery_exports_2021_bn"] / n["machinery_exports_2012_bn"] - 1) * 100
    n["exports_imf_2012_bn"] = float(trade.at[2012, "exports"]) if 2012 in trade.index and start_year <= 2012 <= end_year else math.nan
    return n


def comtrade_structure_numbers(comtrade: pd.DataFrame | None, start_year: int, end_year: int) -> dict:
    """Shares of fuels, machinery and food in 2012 and 2021 recomputed from UN Comtrade, the fall of
    the fuel share, and the concentration index over the ten sections; None where not held."""
    years = {flow: comtrade_years(comtrade, flow, start_year, end_year) for flow in ("imports", "exports")}
    n = {}
    for flow, short in (("imports", "import"), ("exports", "export")):
        shares = (comtrade_shares(comtrade, flow, years[flow]).set_index(["sitc_section", "year"]).share_pct
                  if years[flow] else pd.Series(dtype=float))
        for section, name in (("3", "fuel"), ("7", "machinery"), ("0", "food")):
            for year in DECADE:
                value = shares.get((section, year))
                n[f"comtrade_{name}_{short}_share_{year}_pct"] = None if value is None else float(value)
        for year in DECADE:
            if year in years[flow]:
                values = comtrade[(comtrade.flow == flow) & (comtrade.year == year)]
                n[f"comtrade_{short}_section_concentration_{year}"] = concentration_index(
                    values.set_index("sitc_section").value_usd.reindex(list(SITC_SECTIONS), fill_value=0))
            else:
                n[f"comtrade_{short}_section_concentration_{year}"] = None
    before, after = n["comtrade_fuel_import_share_2012_pct"], n["comtrade_fuel_import_share_2021_pct"]
    n["comtrade_fuel_import_share_fall_times"] = before / after if before is not None and after else None
    n["comtrade_years"] = sorted(set(years["imports"]) | set(years["exports"]))
    return n


# --- Figure 6: the export concentration index -----------------------------------------------------

def concentration_index(values) -> float:
    """UNCTAD's product concentration index: a Herfindahl-Hirschman index normalised to 0-1.

    `values` are a country's exports by product (UNCTAD uses the SITC Rev. 3 three-digit
    products); with n products and shares s_i, H = (sqrt(sum s_i^2) - sqrt(1/n)) / (1 - sqrt(1/n)).
    0 means exports spread evenly over all products, 1 a single product. Figure 6 plots UNCTAD's
    published values; the book applies the formula to the SITC sections of trade with Russia.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or len(x) < 2 or (x < 0).any() or x.sum() <= 0:
        raise ValueError("need at least two non-negative product values with a positive total")
    shares = x / x.sum()
    floor = math.sqrt(1 / len(x))
    return float((math.sqrt((shares ** 2).sum()) - floor) / (1 - floor))


BELARUS_M49 = str(m.BELARUS_M49)  # UNCTAD economy codes are text


@sourced
def concentration_plotted(concentration: pd.DataFrame | None, start_year: int, end_year: int) -> pd.DataFrame | None:
    """Figure 6's rows within the edition, with `is_belarus`; None when there is no value for Belarus."""
    if concentration is None:
        return None
    window = m.within(concentration, max(start_year, FIRST_YEAR), end_year)
    if BELARUS_M49 not in set(window.economy_code):
        return None
    return window.assign(is_belarus=window.economy_code == BELARUS_M49).reset_index(drop=True)


def concentration_numbers(plotted: pd.DataFrame | None) -> dict:
    """The article's three readings of Figure 6, as numbers: Belarus's index in 2012 and in its last
    year, in how many year-on-year steps since 2012 it fell, and the last-year values of the
    economies the article compares it with (`close` to Belarus, well `above` it); None where not held."""
    n = {"blr_last_year": None, "blr_last": None, "blr_2012": None, "blr_falls": None, "blr_steps": None,
         "close": {}, "above": {}}
    if plotted is None:
        return n
    belarus = plotted[plotted.is_belarus].set_index("year").concentration_index.sort_index()
    last = int(belarus.index.max())
    n.update(blr_last_year=last, blr_last=float(belarus[last]))
    since = belarus.loc[DECADE[0]:]
    if DECADE[0] in belarus.index and len(since) > 1:
        steps = since.diff().dropna()
        n.update(blr_2012=float(belarus[DECADE[0]]), blr_falls=int((steps < 0).sum()), blr_steps=int(len(steps)))
    others = plotted[~plotted.is_belarus & (plotted.year == last)].set_index("economy_code").concentration_index
    for key, group in (("close", m.CONCENTRATION_CLOSE), ("above", m.CONCENTRATION_ABOVE)):
        n[key] = {name: float(others[code]) for code, name in group.items() if code in others.index}
    return n


# --- Figures 4 and 5 as drawn ----------------------------------------------------------------------

def figure(context, flow: str, comtrade_sitc: pd.DataFrame | None, article_figures: pd.DataFrame):
    """Figure 4 (imports) or 5 (exports): every SITC section from UN Comtrade when the snapshot
    holds it, with the article's shares as black ticks; otherwise only the shares the article quotes.

    Longer than a figure cell should be (two layouts, each with its own tooltips), so it lives here,
    tested, and the chapter's two figure cells call it; its words are translated here, where it draws."""
    start_year, end_year = context.start_year, context.end_year
    spec = STRUCTURE[flow]
    # The flow in the words of the axis title and the description ("% of Belarus's imports from Russia").
    flow_words = {"imports": trc("structure", "imports from Russia"), "exports": trc("structure", "exports to Russia")}[flow]
    axis_title = tr("% of Belarus's {flow}").format(flow=flow_words)
    years = comtrade_years(comtrade_sitc, flow, start_year, end_year)
    if years:
        rows = comtrade_structure_frame(comtrade_sitc, article_figures, flow, years)
        rows = rows.assign(section=rows.section.map(tr), quoted_as=[tr(g) if g else "" for g in rows.quoted_as])  # the chart's copy
        periods, sections = [str(year) for year in years], [tr(name) for name in SITC_SECTIONS.values()]
        y = alt.Y("section:N", title=None, sort=sections, axis=alt.Axis(labelLimit=300))
        x = alt.X("share_pct:Q", title=axis_title)
        y_offset = alt.YOffset("period:N", sort=periods)
        bars = alt.Chart(rows).mark_bar().encode(
            x=x, y=y, yOffset=y_offset,
            color=alt.Color("period:N", title=None, sort=periods,
                            scale=alt.Scale(domain=periods, range=[PERIOD_COLOURS[p] for p in periods])),
            tooltip=[alt.Tooltip("section:N", title=tr("SITC section")), alt.Tooltip("period:N", title=tr("Year")),
                     alt.Tooltip("share_pct:Q", format=".1f", title=tr("share, % (UN Comtrade)")),
                     alt.Tooltip("value_bn_usd:Q", format=".2f", title=tr("value, bn USD")),
                     alt.Tooltip("quoted_share_pct:Q", format=".1f", title=tr("the article's share, %")),
                     alt.Tooltip("quoted_as:N", title=tr("the article's group"))],
        )
        values = alt.Chart(rows).mark_text(align="left", dx=3, fontSize=11, color="#222").encode(
            x=x, y=y, yOffset=y_offset, text=alt.Text("share_pct:Q", format=".1f"))
        ticks = alt.Chart(rows).mark_tick(color="#000", thickness=3, size=16).encode(
            x=alt.X("quoted_share_pct:Q"), y=y, yOffset=y_offset,
            tooltip=[alt.Tooltip("quoted_as:N", title=tr("the article's group")), alt.Tooltip("period:N", title=tr("Year")),
                     alt.Tooltip("quoted_share_pct:Q", format=".1f", title=tr("the article's share, %"))],
        ).transform_filter(alt.FieldValidPredicate(field="quoted_share_pct", valid=True))
        marks = rows[rows.quoted_share_pct.notna()]
        return context.figure(
            spec["key"], alt.layer(bars, values, ticks).properties(
                width=STRUCTURE_WIDTH, height=18 * len(sections) * len(years) + 40),
            note=tr("Shares of the sum over the ten SITC Rev. 3 sections, from Belarus's own reports to UN Comtrade (reporter 112, "
                    "partner 643). Black ticks mark the shares the article quotes (UNCTAD, author's calculation); its "
                    "\"food products\" is set beside section 0, which is narrower than UNCTAD's food group."),
            description=tr("Bars of each SITC section's share of Belarus's {flow} in {years}, %: ").format(
                flow=flow_words, years=m.join_years(years))
            + "; ".join(f"{r.section}, {r.period}: {number(r.share_pct, 1)}%" for r in rows.itertuples())
            + (". " + tr("The article's shares:") + " " + "; ".join(f"{r.quoted_as}, {r.period}: {number(r.quoted_share_pct, 1)}%"
                                                                    for r in marks.itertuples()) if len(marks) else "") + ".",
        )
    rows = structure_frame(article_figures, flow, start_year, end_year)
    note = tr("Only the shares the article quotes in its text (UNCTAD, SITC sections; crude oil and gas from ITC Trade Map "
              "for 2019). The article's figure shows the full structure; the other sections are {missing}.").format(
        missing=tr(NOT_OFFLINE))
    if rows.empty:
        return context.no_data_figure(
            spec["key"], tr("The article's shares refer to 2012, 2019 and 2021; none falls within this edition ({start}–{end}).").format(
                start=start_year, end=end_year),
            article_figures, note=note)
    groups = [tr(g) for g in spec["groups"] if g in set(rows.group)]
    periods = [p for p in ("2012", "2019", "2021") if p in set(rows.period)]
    rows = rows.assign(group=rows.group.map(tr), basis=[tr(b) if b else "" for b in rows.basis],
                       note=[tr(n) if n else "" for n in rows.note])  # the chart's copy, in the reader's language
    y = alt.Y("group:N", title=None, sort=groups, axis=alt.Axis(labelLimit=300))
    x = alt.X("share_pct:Q", title=axis_title, scale=alt.Scale(domain=[0, 40]), axis=alt.Axis(tickCount=8))
    y_offset = alt.YOffset("period:N", sort=periods)
    tooltip = [alt.Tooltip("group:N", title=tr("Group")), alt.Tooltip("period:N", title=tr("Year")),
               alt.Tooltip("share_pct:Q", format=".1f", title=tr("share, %")), alt.Tooltip("basis:N", title=tr("Source"))]
    if flow == "exports":
        tooltip.append(alt.Tooltip("value_bn_usd:Q", format=".1f", title=tr("value, bn USD")))
    has_share = alt.FieldValidPredicate(field="share_pct", valid=True)
    bars = alt.Chart(rows).mark_bar().encode(
        x=x, y=y, yOffset=y_offset, tooltip=tooltip,
        color=alt.Color("period:N", title=None, sort=periods,
                        scale=alt.Scale(domain=periods, range=[PERIOD_COLOURS[p] for p in periods])),
    ).transform_filter(has_share)
    values = alt.Chart(rows).mark_text(align="left", dx=3, fontSize=11, color="#222").encode(
        x=x, y=y, yOffset=y_offset, text=alt.Text("share_pct:Q", format=".1f"),
    ).transform_filter(has_share)
    # A note longer than the plot's width ends in "…" (on a narrow screen); its tooltip has it whole.
    notes = alt.Chart(rows).mark_text(align="left", dx=3, fontSize=11, color="#555", fontStyle="italic",
                                      limit=alt.ExprRef("max(12, range('x')[1] - 6)")).encode(
        x=alt.datum(0), y=y, text="note:N", tooltip=[alt.Tooltip("group:N", title=tr("Group")), alt.Tooltip("note:N", title=tr("Note"))],
    ).transform_filter(alt.FieldValidPredicate(field="share_pct", valid=False))
    drawn = rows.dropna(subset=["share_pct"])
    return context.figure(
        spec["key"], alt.layer(bars, values, notes).properties(width=STRUCTURE_WIDTH, height=max(140, 55 * len(groups))),
        note=note,
        description=tr("Bars of the shares the article quotes for Belarus's {flow}, % : ").format(flow=flow_words)
        + "; ".join(f"{r.group}, {r.period}: {number(r.share_pct, 1)}%" for r in drawn.itertuples())
        + ". " + " ".join(f"{r.group}: {r.note}." for r in rows[rows.share_pct.isna()].itertuples()),
    )

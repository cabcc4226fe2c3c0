"""The introduction's overview: the turn from a balanced to a Russia-centred trade geography."""
from __future__ import annotations

import altair as alt
import pandas as pd

from . import methods as m
from .charts import Attribution, ChartFigure, describe_series, styled

SHOWN_PARTNERS = {"RU": "Russia", "EU": "EU-27", "CN": "China"}
FLOWS = {"export": "exports", "import": "imports"}


def overview_figure(printed: pd.DataFrame, start_year: int, end_year: int, data_dir=None):
    """Figure A: shares of Russia, the EU and China in Belarus's exports and imports (Table 1)."""
    rows = m.within(printed[printed.partner.isin(list(SHOWN_PARTNERS))], start_year, end_year)
    plotted = rows.assign(
        partner=rows.partner.map(SHOWN_PARTNERS), flow=rows.flow.map(FLOWS)
    )[["year", "flow", "partner", "share_pct"]].reset_index(drop=True)
    highlight = alt.selection_point(name="pick_partner", fields=["partner"], bind="legend")
    chart = styled(
        alt.Chart(plotted)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share_pct:Q", title="% of Belarus's goods trade"),
            color=alt.Color("partner:N", title=None, sort=list(SHOWN_PARTNERS.values())),
            strokeDash=alt.StrokeDash("flow:N", title=None, sort=list(FLOWS.values())),
            opacity=alt.condition(highlight, alt.value(1.0), alt.value(0.2)),
            tooltip=["partner:N", "flow:N", "year:O", alt.Tooltip("share_pct:Q", format=".1f", title="%")],
        )
        .add_params(highlight)
    )
    first, last = int(plotted.year.min()), int(plotted.year.max())
    value = lambda flow, partner, year: m.share_of(plotted, flow, partner, year)
    numbers = {
        "overview_first_year": first,
        "overview_last_year": last,
        "russia_exports_first": value("exports", "Russia", first),
        "russia_exports_last": value("exports", "Russia", last),
        "eu_exports_first": value("exports", "EU-27", first),
        "eu_exports_last": value("exports", "EU-27", last),
        "china_imports_first": value("imports", "China", first),
        "china_imports_last": value("imports", "China", last),
    }
    labelled = plotted.assign(series=plotted.partner + " (" + plotted.flow + ")")
    figure = ChartFigure(
        key="fig-a-overview",
        chart=chart,
        attribution=Attribution(["article_table1"], "Shares as printed in the article's Table 1; click a legend entry to highlight a partner.", data_dir),
        description="Lines of the shares of Russia, the EU and China in Belarus's goods exports (solid) and imports (dashed), by year. "
        + describe_series(labelled, "year", "share_pct", "series", "%"),
    )
    return figure, numbers

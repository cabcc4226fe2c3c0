"""A frame carries the resources it was drawn from: through pandas where pandas keeps `attrs`,
through `@sourced` where a function merges or builds new frames."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from belarus_trade.data.lineage import RESOURCES, drawn_from, sourced


def tagged(name: str, **columns) -> pd.DataFrame:
    frame = pd.DataFrame(columns or {"year": [2020, 2021], "value": [1.0, 2.0]})
    frame.attrs[RESOURCES] = (name,)
    return frame


def test_pandas_keeps_the_resource_through_a_data_step():
    wdi = tagged("wdi")
    shaped = wdi[wdi.year > 2020].assign(doubled=lambda f: f.value * 2).melt("year", var_name="measure", value_name="amount")
    assert drawn_from(shaped) == ("wdi",)
    assert drawn_from(wdi.value) == ("wdi",)


def test_a_merge_loses_it_and_sourced_gives_back_every_input_once_in_order():
    def combined(left, right, again):
        return left.merge(right, on="year").merge(again, on="year")

    wdi, imf = tagged("wdi"), tagged("imf_dots", year=[2020, 2021], other=[3.0, 4.0])
    assert drawn_from(combined(wdi, imf, imf.rename(columns={"other": "third"}))) == ()
    assert drawn_from(sourced(combined)(wdi, imf, again=imf.rename(columns={"other": "third"}))) == ("wdi", "imf_dots")


def test_sourced_marks_frames_inside_a_tuple_or_namespace_and_leaves_numbers_alone():
    gsdb = tagged("gsdb")
    namespace = sourced(lambda frame: SimpleNamespace(table=pd.DataFrame({"a": [1]}), total=3.0))(gsdb)
    assert drawn_from(namespace.table) == ("gsdb",) and namespace.total == 3.0
    pair = sourced(lambda frame: (pd.Series([1.0]), "text"))(gsdb)
    assert drawn_from(pair[0]) == ("gsdb",) and pair[1] == "text"
    assert sourced(lambda frame: float(frame.value.sum()))(tagged("wdi")) == 3.0


def test_a_frame_drawn_from_no_resource_stays_untagged():
    assert drawn_from(sourced(lambda: pd.DataFrame({"a": [1]}))()) == ()
    assert drawn_from(None, 3, "wdi") == ()

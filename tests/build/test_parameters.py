"""Parameters are checked before anything runs: unknown names, years out of order, and windows
without the data a chapter needs are refused in one line."""
from __future__ import annotations

import pytest

from belarus_trade.analysis.methods import ParameterError
from belarus_trade.build.windows import build_window


@pytest.mark.parametrize("parameters, message", [
    ({"end_yaer": 2020}, "parameter end_yaer: unknown"),
    ({"start_year": 2020, "end_year": 2010}, "parameter end_year: 2010 is before start_year 2020"),
    # windows that once passed this check and crashed inside a chapter
    ({"start_year": 2021, "end_year": 2024}, "years 2021–2024: chapter multivector needs imf_dots .*, which holds 1992–2020"),
    ({"start_year": 2000, "end_year": 2001}, "years 2000–2001: chapter introduction needs article_table1 .*, which holds 2012–2024"),
    ({"start_year": 2090, "end_year": 2100}, "years 2090–2100: chapter introduction needs article_table1"),
])
def test_bad_window_parameters_are_refused_before_anything_runs(tmp_path, parameters, message):
    with pytest.raises(ParameterError, match=message):
        build_window(tmp_path / "window", parameters, log=lambda line: None)
    assert not (tmp_path / "window").exists()

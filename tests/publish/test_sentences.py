"""Every number of the prose with its sentence, as an edition records it."""
from __future__ import annotations

import pytest

from belarus_trade.build import BuildError
from belarus_trade.publish import sentences

MARKDOWN = """**1. Russia became the main market.** It took {eval}`share`% of exports in
{eval}`year` (see {ref}`Figure A <fig-a>` and the *IMF* data {cite}`imfdots`). The U.S. and the
EU, e.g. Germany, took less: {eval}`rest`%.

- **Imports.** {eval}`share`% came from Russia.

:::{note} Edition
This page covers {eval}`year`.
:::
"""
SHOWN = {"share": "65.2", "year": "2024", "rest": "<i>3.5</i>"}


def test_each_number_is_recorded_with_its_sentence_as_plain_text():
    assert sentences.numbers_in_markdown(MARKDOWN, SHOWN) == [
        ("share", "It took 65.2% of exports in 2024 (see Figure A and the IMF data)."),
        ("year", "It took 65.2% of exports in 2024 (see Figure A and the IMF data)."),
        ("rest", "The U.S. and the EU, e.g. Germany, took less: <i>3.5</i>%."),
        ("share", "65.2% came from Russia."),
        ("year", "This page covers 2024."),
    ]


def test_a_number_without_a_stored_value_is_an_error():
    with pytest.raises(BuildError, match=r"chapter intro: no stored value for \{eval\}`rest`; run `make book` first"):
        sentences.numbers_in_markdown(MARKDOWN, {"share": "1", "year": "2"}, "intro")

"""Which resources of the snapshot a frame was drawn from, carried by the frame itself.

A figure's source line must name the data behind it, and a list typed at each chart drifts from
the code that computes its frame. So a loaded frame carries its resource's name in pandas'
`attrs`, which pandas keeps through filters, `assign`, `melt`, `groupby(...).sum()` and the like;
a function that merges, concatenates or builds a new frame (where pandas drops `attrs`) is
marked `@sourced`, and its result carries the resources of the frames it was given.
"""
from __future__ import annotations

import functools

import pandas as pd

RESOURCES = "belarus_trade.resources"  # the key of a frame's `attrs` that names its resources


def drawn_from(*values) -> tuple[str, ...]:
    """The resources behind some frames (and series), in the order first met, each once."""
    names: dict[str, None] = {}
    for value in values:
        if isinstance(value, (pd.DataFrame, pd.Series)):
            names.update(dict.fromkeys(value.attrs.get(RESOURCES, ())))
    return tuple(names)


def sourced(function):
    """Mark a function whose frame keeps the resources of the frames it was given (a merge,
    a concat or a new frame loses pandas' `attrs`); a tuple or namespace of frames is marked whole."""
    @functools.wraps(function)
    def marked(*args, **kwargs):
        result = function(*args, **kwargs)
        resources = drawn_from(*args, *kwargs.values())
        for value in _frames_in(result):
            own = drawn_from(value)
            value.attrs[RESOURCES] = own + tuple(name for name in resources if name not in own)
        return result
    return marked


def _frames_in(result) -> list:
    if isinstance(result, (pd.DataFrame, pd.Series)):
        return [result]
    values = result if isinstance(result, (tuple, list)) else getattr(result, "__dict__", {}).values()
    return [value for value in values if isinstance(value, (pd.DataFrame, pd.Series))]

"""A chapter's setting in one object: its data folder, language and year window, and the data it reads.

A chapter's setup cell makes one `ChapterContext` from the notebook's parameters, and every later
cell loads data and finishes its figures and tables through it, so no cell passes the data folder
on. The context refuses a resource its chapter module does not list in `READS`: the build computes
the chapter's input key from that same declaration, before the chapter runs, so a file a chapter
can read is a file whose change re-executes it.

A figure's source line names the resources its data were drawn from, never a list typed at the
chart: a frame the context loads carries its resource's name (`frame.attrs`), pandas keeps it
through filters, `assign`, `melt` and the like, and a chapter function that merges or builds new
frames is marked `@sourced`, which gives its result the resources of the frames it was given.
"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType

import altair as alt
import pandas as pd

from belarus_trade import i18n
from belarus_trade.analysis import methods
from belarus_trade.chapters import charts
from belarus_trade.data import loading
from belarus_trade.data.lineage import RESOURCES, drawn_from
from belarus_trade.data.manifest import MANIFEST_NAME, DataError, read_manifest, resolve_data_dir, resource_descriptor

MANIFEST = MANIFEST_NAME  # declared in READS by a chapter that shows the manifest itself


class UndeclaredRead(DataError):
    """A chapter read data its module does not declare: the build's key would miss the file."""


def chart_resources(chart) -> tuple[str, ...]:
    """The resources of every frame a chart (or any layer, panel or facet of it) draws."""
    frames, pending = [], [chart]
    while pending:
        part = pending.pop()
        data = getattr(part, "data", alt.Undefined)
        if isinstance(data, pd.DataFrame):
            frames.append(data)
        for attribute in ("layer", "hconcat", "vconcat", "concat"):
            parts = getattr(part, attribute, alt.Undefined)
            if parts is not alt.Undefined:
                pending.extend(parts)
        spec = getattr(part, "spec", alt.Undefined)
        if spec is not alt.Undefined:
            pending.append(spec)
    return drawn_from(*frames)


class ChapterContext:
    """The data folder, language and year window a chapter runs in, and the resources it declares."""

    def __init__(self, chapter: ModuleType, *, language: str, data_dir, start_year: int, end_year: int):
        i18n.use(language)
        methods.check_years(start_year, end_year)
        self.chapter = chapter.__name__.rpartition(".")[2]
        self.reads = tuple(chapter.READS)
        self.language, self.start_year, self.end_year = language, start_year, end_year
        self.data_dir = resolve_data_dir(data_dir)

    def _declared(self, name: str) -> None:
        if name not in self.reads:
            raise UndeclaredRead(f"chapter '{self.chapter}' reads '{name}', which its module does not declare: "
                                 f"add it to READS in belarus_trade/chapters/{self.chapter}.py")

    def load(self, name: str) -> pd.DataFrame:
        """A resource of the snapshot, validated, carrying its name for the source lines."""
        self._declared(name)
        frame = loading.load(name, self.data_dir)
        frame.attrs[RESOURCES] = (name,)
        return frame

    def load_if_held(self, name: str) -> pd.DataFrame | None:
        """A resource only an online refresh brings; None while the snapshot lacks it."""
        self._declared(name)
        frame = loading.load_if_held(name, self.data_dir)
        if frame is not None:
            frame.attrs[RESOURCES] = (name,)
        return frame

    def manifest(self) -> dict:
        """The snapshot's manifest itself, for a chapter that shows it (declares `MANIFEST`)."""
        self._declared(MANIFEST)
        return read_manifest(self.data_dir)

    def path(self, name: str) -> Path:
        """The file of a declared resource, for a function that reads its printed text."""
        self._declared(name)
        return self.data_dir / resource_descriptor(name, self.data_dir)["path"]

    def figure(self, key: str, chart: alt.TopLevelMixin, description: str, note: str = "") -> charts.ChartFigure:
        """The chart on the book's policy, its source line from the resources its frames were drawn from."""
        return charts.figure(key, chart, self._sources(key, chart_resources(chart)), description, note, self.data_dir)

    def table(self, key: str, frame: pd.DataFrame, note: str = "", **options) -> charts.DataTable:
        """The table on the book's policy, its source line from the resources the frame was drawn from."""
        return charts.table(key, frame, self._sources(key, drawn_from(frame)), note, self.data_dir, **options)

    def no_data_figure(self, key: str, message: str, *lacking: pd.DataFrame | str, note: str = "") -> charts.ChartFigure:
        """The figure of a window that holds none of its data; the source line names the resources
        that lack the years (frames, or the names of resources the snapshot does not hold yet)."""
        names = [value for value in lacking if isinstance(value, str)]
        for name in names:
            self._declared(name)
        resources = (*drawn_from(*lacking), *names)
        return charts.no_data_figure(key, message, self._sources(key, resources), note, self.data_dir)

    def _sources(self, key: str, resources: tuple[str, ...]) -> list[str]:
        if not resources:
            raise UndeclaredRead(f"{key}: its data carry no resource: draw it from frames the chapter's context "
                                 "loaded, through chapter functions marked @sourced")
        undeclared = [name for name in resources if name not in self.reads and MANIFEST not in self.reads]
        if undeclared:  # a chapter that shows the manifest may name any resource it lists
            self._declared(undeclared[0])
        return list(resources)

"""Pages whose content comes from inputs outside their Markdown (the editions' records, the data):
Sphinx re-reads a page only when its source changed, so each such page remembers, in Sphinx's
environment, the inputs it was read with, and is read again when they are no longer the same."""
from __future__ import annotations

from collections.abc import Callable


class PageInputs:
    """What pages of one directive were read with, under `key` in the environment; `current(app)`
    gives the inputs as they are now (anything comparable: a digest, a dataclass)."""

    def __init__(self, key: str, current: Callable):
        self.key, self.current = key, current

    def note(self, env, value) -> None:
        """The page being read (`env.docname`) was read with `value`."""
        pages = getattr(env, self.key, {})
        pages[env.docname] = value
        setattr(env, self.key, pages)

    def _outdated(self, app, env, added, changed, removed) -> list[str]:
        pages = getattr(env, self.key, {})
        if not pages:
            return []
        now = self.current(app)
        return [docname for docname, seen in pages.items() if seen != now and docname not in removed]

    def _purge(self, app, env, docname) -> None:
        getattr(env, self.key, {}).pop(docname, None)

    def _merge(self, app, env, docnames, other) -> None:
        pages = getattr(env, self.key, {})
        pages.update({name: seen for name, seen in getattr(other, self.key, {}).items() if name in docnames})
        setattr(env, self.key, pages)

    def connect(self, app) -> None:
        app.connect("env-get-outdated", self._outdated)
        app.connect("env-purge-doc", self._purge)
        app.connect("env-merge-info", self._merge)

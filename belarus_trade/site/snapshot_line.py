"""Every page names the data snapshot it was built from (hash and latest retrieval date), so a
reader can tell which figures a page shows. The line is worked out once per render and written
under the page's text by `templates/page.html`."""
from __future__ import annotations

from belarus_trade import i18n
from belarus_trade.i18n import tr


def snapshot_line(data_dir: str | None = None) -> str:
    from belarus_trade.data.manifest import snapshot_id

    snapshot = snapshot_id(data_dir or None)
    return tr("Built from data snapshot {hash} (latest retrieval {retrieved}).").format(
        hash=snapshot["hash"], retrieved=i18n.date(snapshot["retrieved"]))


def _snapshot_in_context(app) -> None:
    """In every page's context (after `language` has set the render's language)."""
    app.config.html_context = {**app.config.html_context, "bt_snapshot": snapshot_line(app.config.belarus_trade_data_dir)}


def register(app) -> None:
    app.connect("builder-inited", _snapshot_in_context)

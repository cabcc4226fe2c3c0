"""Every page names the data snapshot it was built from (`belarus_trade.site.snapshot_line`); the line
on the built pages is test_browser.py's."""
from __future__ import annotations

from belarus_trade import DATA_DIR, i18n
from belarus_trade.data.manifest import snapshot_id
from belarus_trade.site.snapshot_line import snapshot_line


def test_the_line_names_the_snapshots_hash_and_date_in_the_language():
    snapshot = snapshot_id(DATA_DIR)
    line = snapshot_line(str(DATA_DIR))
    assert snapshot["hash"] in line and snapshot["retrieved"] in line and line.startswith("Built from data snapshot")
    with i18n.speaking("ru"):
        russian = snapshot_line(str(DATA_DIR))
        assert snapshot["hash"] in russian and i18n.date(snapshot["retrieved"]) in russian and russian != line

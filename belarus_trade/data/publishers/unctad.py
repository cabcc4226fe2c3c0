"""UNCTADstat: the export concentration index of the article's Figure 6 economies.

Why the bulk file: UNCTADstat publishes this table only as a 7z archive of one CSV; it is
unpacked in memory within the same limits as any answer (declared size checked first, py7zr's
own counter of unpacked bytes as a second stop), so an archive bomb is refused unpacked.
"""
from __future__ import annotations

import io
import lzma
from collections.abc import Callable
from functools import partial

import pandas as pd

from belarus_trade.data.publishers.client import LIMITS, PublisherError, get_as, http_get_bytes, size_text

# Verified (public pipelines downloading this table): the bulk file is served at
# unctadstat-api.unctad.org/bulkdownload/US.ConcentDiversIndices/US_ConcentDiversIndices as a 7z
# archive holding one CSV; the table is long (one row per year, economy and flow) with columns
# Year, Economy Label, Flow Label and Concentration Index; Flow Label tells exports from imports.
# Assumed (the UNCTADstat documentation was not available to check):
# * The exact header `Year, Economy, Economy Label, Flow, Flow Label, Number of products,
#   Diversification index, Concentration index`, compared case-insensitively because pipelines
#   spell it "Concentration Index"; `Economy` is the UNCTAD (M49-based) economy code, kept as text.
# * Exports are the rows whose Flow Label is "Exports"; missing indices are empty cells.
# * The CSV is UTF-8, possibly with a byte-order mark. One public pipeline falls back to latin-1;
#   guessing would turn names such as "Côte d'Ivoire" into mojibake silently, so any other
#   encoding is refused as a format change. (No recorded bulk file was found to settle it.)
# The archive is unpacked with py7zr (in the lock; imported only by this refresh).

UNCTAD_CONCENTRATION_URL = "https://unctadstat-api.unctad.org/bulkdownload/US.ConcentDiversIndices/US_ConcentDiversIndices"
UNCTAD_CONCENTRATION_SERIES = "US.ConcentDiversIndices"
UNCTAD_COLUMNS = {"year": "year", "economy": "economy_code", "economy label": "economy",
                  "flow label": "flow", "concentration index": "concentration_index"}
SEVEN_ZIP_SIGNATURE = b"7z\xbc\xaf\x27\x1c"


def parse_unctad_concentration(csv_text: str, *, series: str = UNCTAD_CONCENTRATION_SERIES) -> pd.DataFrame:
    """Tidy rows `economy_code, economy, year, concentration_index` for exports from the bulk CSV."""
    fail = partial(PublisherError, "UNCTAD", series)
    try:
        table = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise fail("schema_changed", f"bulk file is not a CSV table ({err})") from None
    table.columns = [str(column).strip().lower() for column in table.columns]
    missing = [name for name in UNCTAD_COLUMNS if name not in table.columns]
    if missing:
        raise fail("schema_changed", f"CSV lacks column(s) {', '.join(missing)}; it has {', '.join(table.columns)}")
    table = table[list(UNCTAD_COLUMNS)].rename(columns=UNCTAD_COLUMNS)
    exports = table[(table["flow"].str.strip() == "Exports") & (table["concentration_index"].str.strip() != "")]
    if exports.empty:
        raise fail("empty", "no export concentration indices in the bulk file")
    try:
        frame = exports.drop(columns="flow").astype({"year": "int64", "concentration_index": "float64"})
    except ValueError as err:
        raise fail("schema_changed", f"non-numeric year or index ({err})") from None
    return frame[["economy_code", "economy", "year", "concentration_index"]].sort_values(
        ["economy_code", "year"], ignore_index=True)


def fetch_unctad_concentration(
    url: str = UNCTAD_CONCENTRATION_URL, *, get_bytes: Callable = http_get_bytes, max_unpacked: int = LIMITS.unpacked_bytes,
) -> pd.DataFrame:
    """Download the 7z bulk archive, unpack its CSV in memory with py7zr and parse the export concentration index.

    py7zr unpacks each file to the size its header declares, so an archive declaring more than
    `max_unpacked` bytes is refused before a byte is unpacked; py7zr's own counter of unpacked
    bytes (`max_extract_size`) stops the stream at the same limit.
    """
    import py7zr

    fail = partial(PublisherError, "UNCTAD", UNCTAD_CONCENTRATION_SERIES)
    archive = get_as(get_bytes, url, "UNCTAD", UNCTAD_CONCENTRATION_SERIES)
    if not archive.startswith(SEVEN_ZIP_SIGNATURE):
        raise fail("schema_changed", f"bulk file is not a 7z archive (starts {archive[:16]!r})")
    try:
        with py7zr.SevenZipFile(io.BytesIO(archive), mode="r", max_extract_size=max_unpacked) as seven_zip:
            members = seven_zip.list()
            names = [member.filename for member in members if member.filename.lower().endswith(".csv")]
            if len(names) != 1:
                raise fail("schema_changed", f"archive holds {len(names)} CSV files, expected one")
            declared = sum(member.uncompressed or 0 for member in members)
            if declared > max_unpacked:
                raise fail("over_limit", f"the archive ({size_text(len(archive))}) would unpack to {size_text(declared)}, "
                                         f"above the {size_text(max_unpacked)} limit")
            unpacked = py7zr.io.BytesIOFactory(max_unpacked)
            seven_zip.extract(targets=names, factory=unpacked)
            csv_bytes = unpacked.get(names[0]).read()
    except (py7zr.exceptions.ArchiveError, lzma.LZMAError, EOFError) as err:  # cut short, or corrupt packed data
        raise fail("schema_changed", f"bulk file is a damaged 7z archive ({err})") from None
    return parse_unctad_concentration(decode_unctad_csv(csv_bytes))


def decode_unctad_csv(csv_bytes: bytes, *, series: str = UNCTAD_CONCENTRATION_SERIES) -> str:
    """The bulk CSV as text: UTF-8 (a byte-order mark allowed); anything else is a format change, not a crash."""
    try:
        return csv_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise PublisherError("UNCTAD", series, "schema_changed",
                             f"bulk CSV is not UTF-8 (byte {csv_bytes[err.start:err.start + 1]!r} at offset {err.start})") from None


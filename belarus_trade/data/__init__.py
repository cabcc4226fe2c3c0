"""Stage 1, data: the snapshot in `data/` and everything that may change it.

The manifest (`data/datapackage.json`, a Frictionless Data Package) names every file with its
schema, publisher, licence and checksum; `manifest` reads it strictly, `validation` checks a file
against it, and `loading` (what chapters import) validates a file before any chapter sees a row.
`publishers` fetches the series from the publishers' APIs with bounded requests (`publishers.client`),
`refresh` turns a fetch into a validated candidate and swaps it in, `changes` says what moved
between two versions of a file, `snapshot` records a file or imports the shared extracts, and
`economies` holds the UN M49 codes the refresh fetches by. Nothing here knows about chapters,
notebooks or pages.
"""

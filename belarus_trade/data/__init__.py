"""Stage 1, data: the snapshot in `data/` and everything that may change it.

The manifest (`data/datapackage.json`, a Frictionless Data Package) names every file with its
schema, publisher, licence and checksum; `loading` validates a file against it before any chapter
sees a row. `publishers` fetches the series from the publishers' APIs with bounded requests,
`refresh` turns a fetch into a validated candidate and swaps it in, `changes` says what moved
between two versions of a file, and `snapshot` records a file or imports the shared extracts.
Nothing here knows about chapters, notebooks or pages.
"""

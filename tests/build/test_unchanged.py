"""The no-op build: nothing changed since the last build is answered from the inputs' signature,
before the build is imported; any change falls through to the build."""
from __future__ import annotations

import os
import shutil

from belarus_trade.build import pipeline, unchanged


def test_a_no_op_build_stops_at_the_stamp_and_any_change_falls_through(tmp_path, monkeypatch):
    """`python -m belarus_trade build` with nothing changed since the last build answers from the
    inputs' signature (`unchanged`) without starting the build; a touched, added or removed file,
    another data folder or a missing site runs the build, which decides by content."""
    import belarus_trade
    from belarus_trade import __main__ as cli

    book, data = tmp_path / "book", tmp_path / "data"
    (book / "chapters").mkdir(parents=True)
    (book / "_build" / "html").mkdir(parents=True)
    (book / "_build" / "html" / "index.html").write_text("<html></html>")
    (book / "chapters" / "a.ipynb").write_text("{}")
    data.mkdir()
    (data / "datapackage.json").write_text("{}")
    monkeypatch.setattr(belarus_trade, "BOOK_DIR", book)
    monkeypatch.setattr(belarus_trade, "DATA_DIR", data)
    builds = []
    monkeypatch.setattr(pipeline, "build", lambda **options: builds.append(options))

    def run(*argv) -> int:
        return cli.main(["build", *argv])

    unchanged.record(book, data, {"parameters": {}})
    assert run() == 0 and builds == []
    assert run("--force") == 0 and len(builds) == 1
    os.utime(book / "chapters" / "a.ipynb", ns=(1, 1))  # touched: same size, another time
    assert run() == 0 and len(builds) == 2
    unchanged.record(book, data, {"parameters": {}})
    (book / "chapters" / "b.md").write_text("# B")
    assert run() == 0 and len(builds) == 3
    unchanged.record(book, data, {"parameters": {}})
    (book / "_build" / "html" / "index.html").unlink()
    assert run() == 0 and len(builds) == 4
    (book / "_build" / "html" / "index.html").write_text("<html></html>")
    unchanged.record(book, data, {"parameters": {}})
    other = tmp_path / "other-data"
    shutil.copytree(data, other)
    assert run("--data-dir", str(other)) == 0 and len(builds) == 5
    assert run() == 0 and len(builds) == 5
    unchanged.forget(book)  # a build that started and failed leaves no stamp
    assert run() == 0 and len(builds) == 6

"""An edition's reproducibility bundle (issue 23): the data byte for byte, the book, the package
and the lock in one archive that rebuilds the edition's numbers."""
from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap

import pytest

from belarus_trade import BOOK_DIR
from belarus_trade.build.files import reproducible_tar
from belarus_trade.chapters.prose import stored_text
from belarus_trade.publish import bundle
from belarus_trade.publish.editions import read_editions


def test_the_bundle_holds_the_editions_data_byte_for_byte_and_what_rebuilds_it():
    last = read_editions(BOOK_DIR)[-1]
    files = bundle.bundle_files(last["edition"])
    for entry in last["resources"].values():
        assert "sha256:" + hashlib.sha256(files[f"data/{entry['path']}"]).hexdigest() == entry["hash"]
    assert {"requirements.txt", "pyproject.toml", "Makefile", "REBUILD.md", "data/datapackage.json",
            "belarus_trade/__init__.py", "book/_config.yml", "book/chapters/introduction.ipynb",
            f"book/editions/edition-{last['edition']:03d}.json"} <= set(files)
    assert not [name for name in files if "/_build/" in name or "__pycache__" in name]
    assert reproducible_tar(files) == reproducible_tar(dict(reversed(list(files.items())))), "the same files, the same bytes"
    assert bundle.check_numbers() == f"edition {last['edition']}: rebuilt as recorded", "the check REBUILD.md gives"


@pytest.mark.slow
def test_a_chapter_rebuilt_from_the_bundle_shows_the_recorded_numbers(tmp_path):
    """The bundle's own package executes its introduction (a kernel started with the bundle first on
    its path) and the prose shows the numbers the edition's record lists. Slow: a Jupyter kernel."""
    last = read_editions(BOOK_DIR)[-1]
    with tarfile.open(fileobj=io.BytesIO(reproducible_tar(bundle.bundle_files(last["edition"]))), mode="r:gz") as tar:
        tar.extractall(tmp_path / "bundle", filter="data")
    root = tmp_path / "bundle"
    chapters = root / "book" / "chapters"
    script = textwrap.dedent(f"""
        from pathlib import Path
        import belarus_trade
        from belarus_trade.build.execution import execute_chapter
        assert belarus_trade.__file__.startswith({str(root)!r}), belarus_trade.__file__
        execute_chapter(Path("introduction.ipynb").resolve(), Path({str(tmp_path / 'out.ipynb')!r}), {{}},
                        Path({str(root / 'data')!r}), "bundle", Path({str(tmp_path / 'failed')!r}))
    """)
    environment = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run([sys.executable, "-c", script], cwd=chapters, env=environment, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    shown = stored_text(json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8")))
    recorded = {n["expression"]: n["shown"] for n in last["numbers"] if n["chapter"] == "introduction"}
    assert recorded and all(shown[expression] == value for expression, value in recorded.items())

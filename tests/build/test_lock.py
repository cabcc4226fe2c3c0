"""One build of a book at a time (issue 10); that a killed build leaves no lock behind is checked
with the kill itself (`test_execution`)."""
from __future__ import annotations

import os

import pytest

from belarus_trade.build import BuildError
from belarus_trade.build.lock import one_build_at_a_time
from belarus_trade.build.pipeline import build


def test_a_second_build_is_refused_while_one_runs(project_copy):
    """Two `make book` started together once both said "book ready" over a deleted site."""
    build_dir = project_copy / "book" / "_build"
    with one_build_at_a_time(build_dir):  # the first build, in this process
        with pytest.raises(BuildError, match=f"another build of .* is running \\(process {os.getpid()}\\)"):
            build(project_copy / "book", project_copy / "data", log=lambda message: None)
        assert not (build_dir / "html").exists()

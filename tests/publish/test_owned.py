"""Folders the tools write and teachers work in (issue 19): `make student` once deleted the whole
`student/` folder (grades kept there gone), and `make lab-ru` rewrote the notebooks a teacher had
just edited. Now a teacher's own file stops the tool, named, with nothing written or deleted; a
notebook the teacher changed is kept; everything else is brought up to date."""
from __future__ import annotations

import json

import pytest

from belarus_trade.build import BuildError
from belarus_trade.publish.owned import RECORD, write_owned
from belarus_trade.publish.student import write_student_kit

TOOL = "make student"


def listing(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_teachers_own_file_stops_the_student_kit_and_survives(tmp_path):
    output = tmp_path / "student"
    first = write_student_kit(output)
    assert first.kept == [] and any(p.name == "multivector.ipynb" for p in first.written)
    (output / "grades.csv").write_text("student,grade\nA,5\n", encoding="utf-8")
    (output / "book" / "notes.md").write_text("what to say in week 3\n", encoding="utf-8")
    before = listing(output)
    with pytest.raises(BuildError) as caught:
        write_student_kit(output)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{output}: holds book/notes.md, grades.csv, which `make student` did not write")
    assert listing(output) == before


def test_a_notebook_the_teacher_changed_is_kept_and_the_rest_brought_up_to_date(tmp_path):
    folder = tmp_path / "lab"
    write_owned(folder, {"a.ipynb": b"one", "b.ipynb": b"one", "old.ipynb": b"one", "gone.ipynb": b"one"}, TOOL)
    (folder / "a.ipynb").write_bytes(b"the teacher's edit")
    (folder / "old.ipynb").write_bytes(b"the teacher's edit too")
    (folder / "gone.ipynb").unlink()  # deleted to get the new version
    written = write_owned(folder, {"a.ipynb": b"two", "b.ipynb": b"two", "gone.ipynb": b"two"}, TOOL)
    assert (folder / "a.ipynb").read_bytes() == b"the teacher's edit"
    assert (folder / "b.ipynb").read_bytes() == b"two" and (folder / "gone.ipynb").read_bytes() == b"two"
    assert (folder / "old.ipynb").read_bytes() == b"the teacher's edit too", "a changed file the tool no longer writes stays"
    assert sorted(p.name for p in written.kept) == ["a.ipynb", "old.ipynb"]
    assert "kept your changed a.ipynb, old.ipynb" in written.report()
    # Unchanged files the tool no longer writes go; the kept ones stay kept the next time too.
    write_owned(folder, {"b.ipynb": b"three"}, TOOL)
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["a.ipynb", "b.ipynb", "old.ipynb"]


def test_a_folder_the_tool_did_not_make_is_refused_unless_empty(tmp_path):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.tex").write_text("my work\n")
    with pytest.raises(BuildError, match=r"holds chapter1\.tex, which `make student` did not write"):
        write_owned(thesis, {"a.ipynb": b"x"}, TOOL)
    assert sorted(p.name for p in thesis.iterdir()) == ["chapter1.tex"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert [p.name for p in write_owned(empty, {"a.ipynb": b"x"}, TOOL).written] == ["a.ipynb"]


def test_hidden_files_and_another_tools_folder_are_not_a_teachers_files(tmp_path):
    folder = tmp_path / "student"
    write_owned(folder / "ru", {"book/chapters/a.ipynb": b"ru"}, TOOL)
    write_owned(folder, {"book/chapters/a.ipynb": b"en"}, TOOL)
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_bytes(b"JupyterLab's")
    written = write_owned(folder, {"book/chapters/a.ipynb": b"en 2"}, TOOL)
    assert [p.relative_to(folder).as_posix() for p in written.written] == ["book/chapters/a.ipynb"]
    assert (folder / "ru" / "book" / "chapters" / "a.ipynb").read_bytes() == b"ru"


def test_a_record_cannot_lead_outside_its_folder(tmp_path):
    folder, outside = tmp_path / "student", tmp_path / "outside.txt"
    outside.write_text("keep me\n")
    write_owned(folder, {"a.ipynb": b"x"}, TOOL)
    record = json.loads((folder / RECORD).read_text())
    record["files"]["../outside.txt"] = "0" * 64
    (folder / RECORD).write_text(json.dumps(record))
    with pytest.raises(BuildError, match=r"a path in \.belarus-trade\.json \('\.\./outside\.txt'\) leads outside the folder"):
        write_owned(folder, {"b.ipynb": b"y"}, TOOL)
    assert outside.read_text() == "keep me\n"

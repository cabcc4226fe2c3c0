"""Files replaced whole or not at all: a notebook or a bundle in one rename, the site in one
symlink swap; archives whose bytes depend only on what they hold. A failed or killed build, a full disk or two writers at once leave the last good
file (and book) in place and no half-written one.
"""
from __future__ import annotations

import gzip
import io
import os
import secrets
import shutil
import tarfile
from pathlib import Path


def write_atomically(target: Path, content: str | bytes) -> None:
    """Replace `target` in one rename; a failed write (a full disk) leaves the old file and no temp
    file, and processes writing the same file at once (two Sphinx renders) each write their own."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        if isinstance(content, bytes):
            temporary.write_bytes(content)
        else:
            temporary.write_text(content, encoding="utf-8")
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def swap_in(new_html: Path, build_dir: Path) -> Path:
    """Point `_build/html` at the new site in one atomic rename, then remove older sites."""
    link = build_dir / "html"
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)
    temporary_link = build_dir / "html.next"
    if temporary_link.is_symlink() or temporary_link.exists():
        temporary_link.unlink()
    temporary_link.symlink_to(new_html.name)
    os.replace(temporary_link, link)
    for old in build_dir.glob("html-*"):
        if old.resolve() != new_html.resolve():
            shutil.rmtree(old, ignore_errors=True)
    return link


def reproducible_tar(files: dict[str, bytes]) -> bytes:
    """A gzipped tar of `files` (name -> content) in name order, with no dates, owners or modes of
    this machine: the same files give the same bytes, so a kept archive changes only with them."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as packed:
        with tarfile.open(fileobj=packed, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name in sorted(files):
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = len(files[name]), 0o644, 0
                tar.addfile(info, io.BytesIO(files[name]))
    return buffer.getvalue()

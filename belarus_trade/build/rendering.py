"""The HTML of every language at once: one Sphinx per language, each a process of its own.

The committed notebooks are the English ones; a translated language's chapters are the same
notebooks executed with the `language` parameter into `_build/<language>-source/`, a mirror of
the book that its Sphinx renders with the gettext catalogues of `book/locales/` into the site's
`<language>/` folder. All languages render into one fresh folder, which the build swaps in whole.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from belarus_trade.build import BuildError
from belarus_trade.build.book import chapters, executed_copy, translated_source
from belarus_trade.i18n import LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE


def sync_translated_source(book_dir: Path, language: str) -> Path:
    """Mirror every book source but the chapter notebooks (their executed copies live there) and
    the catalogues into `translated_source`, keeping modification times, so Sphinx re-reads only
    the pages whose source changed."""
    target = translated_source(book_dir, language)
    notebooks = {chapter.path for chapter in chapters(book_dir)}
    kept = {executed_copy(chapter, book_dir, language) for chapter in chapters(book_dir)}
    for path in sorted(book_dir.rglob("*")):
        relative = path.relative_to(book_dir)
        if (not path.is_file() or path in notebooks or relative.parts[0] in ("_build", LOCALE_DIR.name)
                or ".ipynb_checkpoints" in relative.parts):
            continue
        copy = target / relative
        kept.add(copy)
        if not copy.exists() or (copy.stat().st_mtime_ns, copy.stat().st_size) != (path.stat().st_mtime_ns, path.stat().st_size):
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
    for path in target.rglob("*"):
        if path.is_file() and path not in kept:
            path.unlink()
    return target


class Renders:
    """Every language's Sphinx, each a process of its own with its own sources, doctrees, log and
    output folder (a translation's is a subfolder the source language's Sphinx never reads), all
    rendering into one fresh folder at once (the source language at its top); doctrees persist, so
    unchanged pages are not read again.

    They start when made and prepare (import Sphinx and the extensions, write the Vega bundle:
    `render --wait`); a build that executes chapters makes them before it starts the chapters, so
    that this work runs beside the executions instead of after them. `finish` mirrors the translated
    sources and lets them read the book; `stop` ends them and removes their folder."""

    def __init__(self, book_dir: Path, build_dir: Path, data_dir: Path, fingerprint: str):
        build_dir.mkdir(parents=True, exist_ok=True)
        self.book_dir = book_dir
        self.target = Path(tempfile.mkdtemp(prefix="html-", dir=build_dir))
        self.target.chmod(0o755)  # mkdtemp creates it private; the site is meant to be served
        self.renders = []
        try:
            for language in LANGUAGES:
                translated = language != SOURCE_LANGUAGE
                self.renders.append(_Render(
                    translated_source(book_dir, language) if translated else book_dir,
                    self.target / language if translated else self.target, book_dir, data_dir, fingerprint, language))
        except BaseException:
            self.stop()
            raise

    def finish(self) -> Path:
        try:
            for language in LANGUAGES:
                if language != SOURCE_LANGUAGE:
                    sync_translated_source(self.book_dir, language)
            for render in self.renders:
                render.go()
            for render in self.renders:
                render.finish()
        except BaseException:
            self.stop()
            raise
        return self.target

    def stop(self) -> None:
        for render in self.renders:
            render.stop()
        shutil.rmtree(self.target, ignore_errors=True)


class _Render:
    """One language's Sphinx (`site.render`, run as a program), started at once, its log in
    `_build/sphinx[-LANGUAGE].log`; it reads the book after `go`."""

    def __init__(self, source: Path, target: Path, book_dir: Path, data_dir: Path, fingerprint: str, language: str):
        translated = language != SOURCE_LANGUAGE
        build_dir = book_dir / "_build"
        self.language = language
        self.log = build_dir / (f"sphinx-{language}.log" if translated else "sphinx.log")
        doctrees = build_dir / (f".doctrees-{language}" if translated else ".doctrees")
        with open(self.log, "w", encoding="utf-8") as stream:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "belarus_trade.site.render", str(source), str(target), str(doctrees), str(data_dir),
                 fingerprint, language, str(book_dir / LOCALE_DIR.name), str(book_dir), "--wait"],
                stdin=subprocess.PIPE, stdout=stream, stderr=subprocess.STDOUT, env={**os.environ, "NO_COLOR": "1"})

    def go(self) -> None:
        """The sources are ready: read them (a render that already ended is reported by `finish`)."""
        try:
            self.process.stdin.write(b"go\n")
            self.process.stdin.close()
        except BrokenPipeError:
            pass

    def finish(self) -> None:
        """Wait for it; a failure or any warning fails the build with the first of them."""
        status = self.process.wait()
        plain = re.sub(r"\x1b\[[0-9;]*m", "", self.log.read_text(encoding="utf-8"))
        warnings = [line for line in plain.splitlines() if "WARNING" in line or "ERROR" in line]
        if status or warnings:
            first = warnings[0] if warnings else f"sphinx exited with {status}"
            raise BuildError(f"HTML build ({self.language}) failed ({len(warnings)} warnings/errors, see {self.log}): {first}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self.process.stdin.closed:
            self.process.stdin.close()

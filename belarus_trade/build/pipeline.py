"""One command from data to book: validate, re-execute what changed, render, swap in atomically.

A chapter is re-executed when its input key changes. The key covers the chapter's code cells,
its parameters, every data file it read when last executed (recorded by `data.load`), the
package's own source and the pinned environment — so a changed data file re-executes exactly
the chapters that read it, and nothing else does. Executions write to a temporary file and
replace the committed notebook only on success; the HTML is built in a fresh folder and
swapped in with an atomic symlink replace, so a failed run never leaves a half-built book.

Each edition is built in every language of `i18n.LANGUAGES` (issue 13). The committed notebooks
are the English ones; a translated edition's chapters are the same notebooks executed with the
`language` parameter into `_build/<language>-source/`, a mirror of the book that Sphinx renders
with the gettext catalogues of `book/locales/` into the site's `<language>/` folder. Both
editions are rendered into one new folder and published together.
"""
from __future__ import annotations

import ast
import fcntl
import functools
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from belarus_trade import BOOK_DIR, BUILD_DIR, DATA_DIR, PROJECT_ROOT
from belarus_trade.build import unchanged
from belarus_trade.chapters.prose import inline_expressions
from belarus_trade.data.loading import READ_LOG_ENV
from belarus_trade.i18n import LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE, catalogue_path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
METADATA_KEY = "belarus_trade"
VOLATILE_METADATA = ("papermill", "execution")
LOCK_NAME = "build.lock"
EDITION_MARK = ".belarus-trade-edition"  # written into every edition folder, so a rebuild may replace it
INJECTED_TAG = "injected-parameters"  # papermill's cell: an edition's parameters, with a local path
WINDOW_KEY = "belarus_trade_window"  # notebook metadata: {"needs": [series an edition's years must hold]}
MIN_YEARS_IN_WINDOW = 2  # a chapter compares a first and a last year
KERNEL_START_FAILURE = "Kernel died before replying to kernel_info"  # jupyter_client's message
KERNEL_START_ATTEMPTS = 3
KERNEL_START_TIMEOUT = "Kernel didn't respond in"  # jupyter_client's message when a kernel is slow to answer
KERNEL_START_SECONDS = 180  # papermill's default is 60; a loaded two-core machine once took longer
KERNEL_SLOW_ATTEMPTS = 2
PARENT_POLL_SECONDS = 0.2


class BuildError(RuntimeError):
    """A build step failed; the message is one line and the last good book is untouched."""


@dataclass
class Chapter:
    path: Path

    @property
    def name(self) -> str:
        return self.path.stem


def chapters(book_dir: Path = BOOK_DIR) -> list[Chapter]:
    """Executable chapters, in table-of-contents order."""
    import yaml

    toc = yaml.safe_load((book_dir / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part.get("chapters", [])]
    files += [entry["file"] for entry in toc.get("chapters", [])]
    paths = [book_dir / f"{f}.ipynb" for f in files]
    return [Chapter(p) for p in paths if p.exists()]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def environment_fingerprint() -> str:
    """The pinned environment: a change to it can change any output."""
    return sha256_text((PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8"))


def package_fingerprint() -> str:
    """The whole package (the Sphinx extension and chart policy included) and the environment:
    what the rendered HTML depends on besides book sources and data."""
    digest = hashlib.sha256(environment_fingerprint().encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def imported_modules(code: str) -> set[str]:
    """The `belarus_trade` modules a piece of code imports (lazy imports inside functions too)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a cell with IPython syntax: read its import lines only
        lines = [line for line in code.splitlines() if re.match(r"\s*(from|import)\s+belarus_trade", line)]
        tree = ast.parse("\n".join(line.strip() for line in lines))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "belarus_trade"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "belarus_trade":
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _module_file(name: str) -> Path | None:
    parts = name.split(".")[1:]
    if not parts:
        return PACKAGE_DIR / "__init__.py"
    for candidate in (PACKAGE_DIR.joinpath(*parts[:-1], parts[-1] + ".py"), PACKAGE_DIR.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
    return ".".join(("belarus_trade",) + (parts[:-1] if parts[-1] == "__init__" else parts))


def module_closure(notebook: dict) -> list[Path]:
    """Every package file a chapter's execution can depend on: the modules its code imports, what
    they import in turn (relative imports resolved), their parent packages, and the engine that
    stores the prose's numbers."""
    pending = imported_modules(code_of(notebook)) | {"belarus_trade", "belarus_trade.build.engine"}
    files: set[Path] = set()
    while pending:
        name = pending.pop()
        path = _module_file(name)
        if path is None or path in files:
            continue
        files.add(path)
        package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
        status = path.stat()
        pending |= {package} | _imports_of_module(path, package, status.st_mtime_ns, status.st_size)
    return sorted(files)


@functools.lru_cache(maxsize=256)
def _imports_of_module(path: Path, package: str, mtime_ns: int, size: int) -> frozenset[str]:
    """The package modules one module imports, relative imports resolved; parsed once per version
    of the file (a build asks for every chapter in every language)."""
    source = path.read_text(encoding="utf-8")
    found = set(imported_modules(source))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
            module = f"{base}.{node.module}" if node.module else base
            found |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return frozenset(found)


def code_of(notebook: dict) -> str:
    """What execution depends on: each code cell, and the `{eval}` expressions of each Markdown
    cell in their place between them (prose around an unchanged expression needs no run)."""
    parts = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            continue  # papermill's copy of the parameters, which the key holds already
        if cell["cell_type"] == "code":
            parts.append(source)
        elif cell["cell_type"] == "markdown" and (expressions := _inline_expressions(source)):
            parts.append("# --- inline expressions ---\n" + "\n".join(expressions))
    return "\n# --- cell ---\n".join(parts)


@functools.lru_cache(maxsize=4096)
def _inline_expressions(markdown: str) -> tuple[str, ...]:
    """A Markdown cell's `{eval}` expressions, parsed once per text: a build asks for every
    chapter's key in every language, and a chapter's languages share its Markdown."""
    return tuple(inline_expressions(markdown))


def input_key(notebook: dict, parameters: dict, data_dir: Path, reads: list[str], fingerprint: str) -> str:
    """Code, parameters, the environment `fingerprint`, the package modules the chapter imports
    (an edit elsewhere in the package re-executes nothing), and each data file read with its
    manifest entry (so a new retrieval date re-executes the chapters that show it). A translated
    language's run also keys on the prose: its executed copy carries the English Markdown that
    Sphinx translates, so a prose-only edit must reach it."""
    digest = hashlib.sha256()
    digest.update(code_of(notebook).encode())
    if parameters.get("language", SOURCE_LANGUAGE) != SOURCE_LANGUAGE:
        digest.update("".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown").encode())
    for path in module_closure(notebook):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    descriptors = _descriptors_by_path(data_dir)
    for name in sorted(reads):
        path = data_dir / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
        digest.update(json.dumps(descriptors.get(name), sort_keys=True).encode())
    digest.update(fingerprint.encode())
    return digest.hexdigest()


def _descriptors_by_path(data_dir: Path) -> dict:
    manifest = data_dir / "datapackage.json"
    if not manifest.exists():
        return {}
    return {r.get("path"): r for r in json.loads(manifest.read_text(encoding="utf-8")).get("resources", [])}


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def stored_state(notebook: dict) -> dict:
    return notebook.get("metadata", {}).get(METADATA_KEY, {})


def translated_source(book_dir: Path, language: str) -> Path:
    """The book as Sphinx reads it in a translated `language`: the same sources, its chapters
    executed in that language."""
    return book_dir / "_build" / f"{language}-source"


def executed_copy(chapter: Chapter, book_dir: Path, language: str) -> Path:
    """Where a chapter executed in `language` is kept: the committed notebook for the source language."""
    if language == SOURCE_LANGUAGE:
        return chapter.path
    return translated_source(book_dir, language) / chapter.path.relative_to(book_dir)


def in_language(parameters: dict, language: str) -> dict:
    """The parameters a chapter runs with in `language` (the source language is the notebook's default)."""
    return parameters if language == SOURCE_LANGUAGE else {**parameters, "language": language}


def language_fingerprint(fingerprint: str, language: str) -> str:
    """A translated chapter's output also depends on the catalogue of the text its code writes."""
    if language == SOURCE_LANGUAGE:
        return fingerprint
    path = catalogue_path(language)
    return sha256_text(fingerprint + (path.read_text(encoding="utf-8") if path.exists() else ""))


def stale_chapters(chapter_list, data_dir: Path, parameters: dict, fingerprint: str,
                   language: str = SOURCE_LANGUAGE, book_dir: Path | None = None) -> list[Chapter]:
    """Chapters whose copy executed in `language` is missing or was executed from other inputs."""
    stale = []
    for chapter in chapter_list:
        executed = executed_copy(chapter, book_dir or chapter.path.parent.parent, language)
        state = stored_state(read_notebook(executed)) if executed.exists() else {}
        key = input_key(read_notebook(chapter.path), in_language(parameters, language), data_dir, state.get("reads", []),
                        language_fingerprint(fingerprint, language))
        if state.get("input_key") != key:
            stale.append(chapter)
    return stale


def normalise(notebook: dict) -> dict:
    """Drop timing and papermill bookkeeping so re-executions give byte-identical notebooks."""
    for key in VOLATILE_METADATA:
        notebook["metadata"].pop(key, None)
    count = 0
    for cell in notebook["cells"]:
        for key in VOLATILE_METADATA:
            cell.get("metadata", {}).pop(key, None)
        if cell["cell_type"] == "code":
            if cell.get("source"):
                count += 1
                cell["execution_count"] = count
                for output in cell.get("outputs", []):
                    if "execution_count" in output:
                        output["execution_count"] = count
    return notebook


@dataclass
class Run:
    """One execution of a chapter: its parameters (its language's), where the executed copy goes,
    the environment fingerprint of its key, and where a failed run is kept."""
    target: Path
    parameters: dict
    fingerprint: str
    failed_dir: Path


def execute_chapter(source: Path, target: Path, parameters: dict, data_dir: Path, fingerprint: str,
                    failed_dir: Path = BUILD_DIR / "failed") -> dict:
    """Execute one chapter with papermill into `target` (written only on success; a failed
    run is kept in `failed_dir` for inspection)."""
    return execute_runs(source, [Run(target, parameters, fingerprint, failed_dir)], data_dir)[0]


def execute_runs(source: Path, runs: list[Run], data_dir: Path) -> list[dict]:
    """Execute one chapter once per run (its stale languages), one run after the other in one
    kernel. A translated run computes what the English one computed, with other labels: sharing
    the kernel starts the kernel, imports the modules, validates the data files (`data.load`'s
    cache) and starts vl-convert's engine once per chapter instead of once per language. The
    kernel's namespace is emptied before each later run (`_shared_kernel`), so a run sees none of
    the names the one before defined. Each run writes its target on success; a run
    that fails stops the chapter (the runs after it do not start)."""
    source_notebook = read_notebook(source)
    results = []
    with tempfile.TemporaryDirectory(prefix="belarus-trade-") as scratch:
        scratch = Path(scratch)
        read_log = scratch / "reads.log"
        read_log.touch()
        previous_log = os.environ.get(READ_LOG_ENV)
        os.environ[READ_LOG_ENV] = str(read_log)  # inherited by the kernel papermill starts
        kernel = _shared_kernel()
        try:
            for number, run in enumerate(runs):
                logged = read_log.stat().st_size  # what the runs before this one read
                executed = scratch / str(number) / source.name
                executed.parent.mkdir()
                started = time.perf_counter()
                if number and kernel.has_kernel:
                    kernel.reset_namespace()
                try:
                    _papermill(source, executed, run, kernel)
                finally:
                    kernel.close_clients()
                elapsed = time.perf_counter() - started
                notebook = hide_injected_parameters(normalise(read_notebook(executed)))
                lines = read_log.read_bytes()[logged:].decode("utf-8").split()
                reads = sorted({_relative_to_data(Path(line), data_dir) for line in lines if line})
                state = {"reads": reads, "parameters": run.parameters}
                state["input_key"] = input_key(source_notebook, run.parameters, data_dir, reads, run.fingerprint)
                notebook["metadata"][METADATA_KEY] = state
                write_atomically(run.target, json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
                results.append({"chapter": source.stem, "language": run.parameters.get("language", SOURCE_LANGUAGE),
                                "seconds": elapsed, "reads": reads})
        finally:
            if previous_log is None:
                os.environ.pop(READ_LOG_ENV, None)
            else:
                os.environ[READ_LOG_ENV] = previous_log
            kernel.shut_down()
    return results


def _shared_kernel():
    """A kernel manager that papermill's runs share (`execute_runs`): nbclient starts its kernel
    in the first run and, not owning the manager, leaves it running and its own client open."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    class SharedKernel(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.clients = []

        def client(self, **kwargs):
            client = super().client(**kwargs)
            self.clients.append(client)
            return client

        def close_clients(self) -> None:
            """End the channels (and heartbeat thread) of the clients a run opened."""
            while self.clients:
                self.clients.pop().stop_channels()

        def reset_namespace(self) -> None:
            """Empty the kernel's namespace (IPython's `%reset -f`): the modules it imported stay."""
            run_sync(self._reset_namespace)()

        async def _reset_namespace(self) -> None:
            client = self.client()
            try:
                client.start_channels()
                await client.wait_for_ready(timeout=KERNEL_START_SECONDS)
                msg_id = client.execute("%reset -f", silent=True, store_history=False)
                while True:
                    reply = await client.get_shell_msg(timeout=KERNEL_START_SECONDS)
                    if reply["parent_header"].get("msg_id") == msg_id:
                        break
            finally:
                self.close_clients()
            if reply["content"].get("status") != "ok":
                raise BuildError(f"the kernel did not empty its namespace between runs: {reply['content'].get('evalue', '')}")

        def shut_down(self) -> None:
            self.close_clients()
            if self.has_kernel:
                run_sync(self.shutdown_kernel)()

    return SharedKernel(kernel_name="python3")


def _papermill(source: Path, executed: Path, run: Run, kernel) -> None:
    """One papermill run of `source` into `executed`, in `kernel` (started by the first run that
    needs it); a failure is a BuildError naming the chapter, its executed copy kept in `run.failed_dir`."""
    import papermill

    try:
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            try:
                papermill.execute_notebook(
                    str(source), str(executed), parameters=run.parameters or None, cwd=str(source.parent),
                    engine_name="belarus_trade",  # also evaluates the Markdown's {eval} numbers (engine.py)
                    kernel_name="python3", progress_bar=False, log_output=False, report_mode=False,
                    # Saving after every cell costs seconds on chart-heavy chapters; the output is
                    # written once at the end, and also when a cell fails.
                    request_save_on_cell_execute=False,
                    start_timeout=KERNEL_START_SECONDS,
                    # The kernel's own log is noise here (ipykernel 7 warns on every start that local TCP
                    # is unencrypted, and reports the interrupt of its shutdown); cell errors still
                    # reach papermill and fail the chapter.
                    extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                    km=kernel,
                )
                return
            except RuntimeError as error:
                # jupyter_client picks a free port, releases it, then the kernel binds it: a
                # kernel starting at the same moment can take it first ("Address already in
                # use"). A busy machine can keep a kernel from answering in time. Either way
                # nothing of the chapter has run yet (nbclient has shut the kernel down), so
                # starting again is safe, in a fresh kernel.
                slow = KERNEL_START_TIMEOUT in str(error)
                if slow and attempt >= KERNEL_SLOW_ATTEMPTS:
                    raise BuildError(f"{source.name}: the kernel did not answer within {KERNEL_START_SECONDS} s, "
                                     f"{attempt} times: the machine is busy; run the build again when it is quieter "
                                     "(or with --jobs 1)") from None
                if not (slow or KERNEL_START_FAILURE in str(error)) or attempt == KERNEL_START_ATTEMPTS:
                    raise
    except BuildError:
        raise
    except Exception as error:  # papermill wraps the cell's exception; keep the run for inspection
        kept = "no executed copy: the kernel stopped before saving"
        if executed.exists():
            run.failed_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy(executed, run.failed_dir / source.name)
            kept = f"executed copy: {run.failed_dir / source.name}"
        raise BuildError(f"{source.name}: {_one_line(error)} ({kept})") from None


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


def hide_injected_parameters(notebook: dict) -> dict:
    """An edition's parameters cell (papermill's) holds the local data folder: not for the page."""
    for cell in notebook["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if INJECTED_TAG in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    return notebook


def _relative_to_data(path: Path, data_dir: Path) -> str:
    try:
        return path.resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


def _one_line(error: Exception) -> str:
    """Papermill's message carries the whole traceback; the user needs its last line."""
    ename = getattr(error, "ename", type(error).__name__)
    evalue = getattr(error, "evalue", str(error))
    return f"{ename}: {evalue}".splitlines()[0]


def execute_all(stale: dict[str, list[Chapter]], parameters: dict, data_dir: Path, fingerprint: str,
                book_dir: Path, jobs: int = 2) -> list[dict]:
    """Run the stale chapters in parallel worker processes (each sets its own read log), a chapter's
    stale languages one after the other in one worker and one kernel (`execute_runs`).

    Largest notebooks first (a fair proxy for the longest runs), so the two workers finish
    close together instead of one waiting on a long chapter started last."""
    failed = book_dir / "_build" / "failed"
    languages: dict[Path, list[str]] = {}
    for language, chapter_list in stale.items():
        for chapter in chapter_list:
            languages.setdefault(chapter.path, []).append(language)
    arguments = [(path, [Run(executed_copy(Chapter(path), book_dir, language), in_language(parameters, language),
                             language_fingerprint(fingerprint, language),
                             failed if language == SOURCE_LANGUAGE else failed / language)
                         for language in LANGUAGES if language in stale_in], data_dir)
                 for path, stale_in in sorted(languages.items(), key=lambda item: item[0].stat().st_size, reverse=True)]
    if len(arguments) <= 1 or jobs == 1:
        return [result for args in arguments for result in execute_runs(*args)]
    import multiprocessing

    import papermill  # noqa: F401  imported once here, inherited by every forked worker

    # One fresh forked worker per chapter: a reused worker would carry the previous chapter's
    # kernel client state into the next execution. The pool forks them from a thread of its own,
    # so nothing here may start a subprocess while it runs: a worker forked during `Popen` keeps
    # the pipe Popen waits on open, and Popen waits for ever.
    with multiprocessing.get_context("fork").Pool(jobs, _die_with_parent, (os.getpid(),), maxtasksperchild=1) as pool:
        return [result for results in pool.starmap(execute_runs, arguments, chunksize=1) for result in results]


def _die_with_parent(parent: int) -> None:
    """A worker outliving a killed build (kill -9 included) would replace a notebook afterwards:
    a watcher thread ends the worker as soon as the build's process is gone, and its kernel
    notices the worker gone and exits too (ipykernel's parent poller). (Linux's PR_SET_PDEATHSIG
    would fire when the *thread* that forked the worker ends: the pool's own maintenance thread,
    at the pool's normal shutdown, killing workers that hold its queue lock.)"""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


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


def site_stamp(book_dir: Path, data_dir: Path, fingerprint: str) -> str:
    """Everything the HTML depends on: book sources (chapters included), catalogues, the chapters
    executed in each translated language, data, package, environment."""
    digest = hashlib.sha256(fingerprint.encode())
    translated = [translated_source(book_dir, language) / "chapters" for language in LANGUAGES if language != SOURCE_LANGUAGE]
    for root in (book_dir, data_dir, *translated):
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            if (path.is_file() and "_build" not in path.relative_to(root).parts and ".ipynb_checkpoints" not in path.parts
                    and path.suffix != ".mo"):  # Sphinx compiles the catalogues next to them
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def render_html(book_dir: Path, build_dir: Path, data_dir: Path, fingerprint: str = "") -> Path:
    """Sphinx build of every language into one fresh folder (the source language at its top, each
    translation in its own subfolder); returns it. Doctrees persist so unchanged pages are not re-read."""
    return Renders(book_dir, build_dir, data_dir, fingerprint).finish()


class Renders:
    """Every language's Sphinx, each a process of its own with its own sources, doctrees, log and
    output folder (a translation's is a subfolder the source language's Sphinx never reads), all
    rendering into one fresh folder at once.

    They start when made and prepare (import Sphinx and the extensions, write the Vega bundle:
    `render --wait`); a build that executes chapters makes them before it starts the chapters, so
    that this work runs beside the executions instead of after them. `finish` mirrors the translated sources and lets them read the
    book; `stop` ends them and removes their folder."""

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
    """One language's Sphinx, started at once, its log in `_build/sphinx[-LANGUAGE].log`; it reads
    the book after `go`."""

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


def publish(new_html: Path, build_dir: Path) -> Path:
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


def check_parameters(chapter_list: list[Chapter], parameters: dict, data_dir: Path = DATA_DIR) -> None:
    """Refuse parameters a chapter does not declare, impossible years, and a window without the
    data a chapter needs, before executing anything."""
    from belarus_trade.analysis.methods import ParameterError, check_years

    for chapter in chapter_list:
        notebook = read_notebook(chapter.path)
        declared = declared_parameters(notebook)
        unknown = sorted(set(parameters) - set(declared))
        if unknown:
            raise ParameterError(f"parameter {unknown[0]}: unknown to chapter {chapter.name} (it accepts {', '.join(declared)})")
        years = {name: parameters.get(name, declared[name]) for name in ("start_year", "end_year") if name in declared}
        if len(years) == 2:
            check_years(years["start_year"], years["end_year"])
            check_window_has_data(chapter, notebook, years["start_year"], years["end_year"], data_dir)


def check_window_has_data(chapter: Chapter, notebook: dict, start_year: int, end_year: int, data_dir: Path) -> None:
    """A chapter lists in its metadata (`belarus_trade_window.needs`) the series it cannot do
    without; a window holding fewer than two of their years is refused here, naming the series,
    instead of failing inside the notebook."""
    from belarus_trade.analysis.methods import ParameterError
    from belarus_trade.data.manifest import DataError, read_manifest

    needs = notebook.get("metadata", {}).get(WINDOW_KEY, {}).get("needs", [])
    resources = {r["name"]: r for r in read_manifest(data_dir)["resources"]}
    for name in needs:
        if name not in resources:
            raise DataError(f"chapter {chapter.name} needs the series {name}, which the data manifest does not list")
        coverage = resources[name].get("coverage", {})
        first, last = coverage.get("first_year"), coverage.get("last_year")
        if first is None or last is None:
            continue
        held = min(end_year, last) - max(start_year, first) + 1
        if held < MIN_YEARS_IN_WINDOW:
            raise ParameterError(
                f"years {start_year}–{end_year}: chapter {chapter.name} needs {name} ({resources[name].get('title', name)}), "
                f"which holds {first}–{last}; choose years that include at least {MIN_YEARS_IN_WINDOW} of them")


def declared_parameters(notebook: dict) -> dict:
    """Names and default values of the chapter's `parameters` cell."""
    import ast

    for cell in notebook["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            tree = ast.parse("".join(cell["source"]))
            return {
                node.targets[0].id: ast.literal_eval(node.value)
                for node in tree.body if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
            }
    return {}


def check_edition_folder(output: Path, data_dir: Path, book_dir: Path = BOOK_DIR) -> Path:
    """An edition goes to a new folder or replaces an earlier edition: never the project, its
    book or data (or a folder holding them), never a folder with other files."""
    output = Path(output).resolve()
    for protected in (PROJECT_ROOT, BOOK_DIR, DATA_DIR, Path(book_dir).resolve(), data_dir.resolve()):
        if output == protected or output in protected.parents:
            raise BuildError(f"edition folder {output}: it holds {protected}, which an edition must not replace; choose a new folder")
        if protected != PROJECT_ROOT and protected in output.parents:
            raise BuildError(f"edition folder {output}: inside {protected}; choose a folder outside it")
    if output.exists() and (not output.is_dir() or any(output.iterdir()) and not (output / EDITION_MARK).is_file()):
        raise BuildError(f"edition folder {output}: exists and is not an earlier edition; choose a new folder")
    return output


def build_edition(output: Path, parameters: dict, data_dir: Path | None = None, jobs: int = 2, log=print,
                  book_dir: Path = BOOK_DIR) -> Path:
    """A separate edition: the book copied beside `output`, executed with other parameters and
    rendered there, then moved into place; an earlier edition in `output` is replaced only after
    the new one built. The committed notebooks are not touched."""
    from belarus_trade.data.manifest import resolve_data_dir

    data_dir = resolve_data_dir(data_dir)
    output = check_edition_folder(output, data_dir, book_dir)
    parameters = {**parameters, "data_dir": str(data_dir)}
    check_parameters(chapters(book_dir), parameters, data_dir)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    try:
        shutil.copytree(book_dir, staging / "book", ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
        build(staging / "book", data_dir, parameters=parameters, jobs=jobs, log=log)
        (staging / EDITION_MARK).write_text(json.dumps(parameters, sort_keys=True) + "\n", encoding="utf-8")
        staging.chmod(0o755)
        previous = output.with_name(f".{output.name}.previous-{os.getpid()}")
        if output.exists():
            os.rename(output, previous)
        os.rename(staging, output)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return output / "book" / "_build" / "html"


@contextmanager
def one_build_at_a_time(build_dir: Path):
    """Two builds of one book would swap sites under each other: the second is refused, naming the
    first. The lock is the kernel's (flock), so a killed build leaves no stale lock behind."""
    build_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(build_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "unknown"
            raise BuildError(f"another build of {build_dir.parent} is running (process {holder}); wait for it to finish") from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def build(book_dir: Path = BOOK_DIR, data_dir: Path | None = None, parameters: dict | None = None,
          jobs: int = 2, force: bool = False, log=print) -> dict:
    """Validate data, execute stale chapters, render and publish. Returns what it did."""
    from belarus_trade.data.manifest import DataError, resolve_data_dir
    from belarus_trade.data.validation import validate_package

    if jobs < 1:
        raise BuildError(f"jobs {jobs}: at least one chapter must run at a time")
    data_dir = resolve_data_dir(data_dir)
    parameters = parameters or {}
    build_dir = book_dir / "_build"
    with one_build_at_a_time(build_dir):
        unchanged.forget(book_dir)
        try:
            validate_package(data_dir)
        except DataError as error:
            raise BuildError(f"data: {error}") from None
        chapter_list = chapters(book_dir)
        check_parameters(chapter_list, parameters, data_dir)
        report = _build_locked(book_dir, build_dir, data_dir, parameters, chapter_list, jobs, force, log)
        unchanged.record(book_dir, data_dir, {"parameters": parameters})
        return report


def _build_locked(book_dir: Path, build_dir: Path, data_dir: Path, parameters: dict, chapter_list: list[Chapter],
                  jobs: int, force: bool, log) -> dict:
    fingerprint, package = environment_fingerprint(), package_fingerprint()
    stale = {language: chapter_list if force else stale_chapters(chapter_list, data_dir, parameters, fingerprint, language, book_dir)
             for language in LANGUAGES}
    report = {"executed": [], "rendered": False}
    renders = None
    try:
        if any(stale.values()):
            check_catalogues(book_dir)
            for language, waiting in stale.items():
                if waiting:
                    log(f"executing {len(waiting)} of {len(chapter_list)} chapters ({language}): {', '.join(c.name for c in waiting)}")
            # The renders start first and prepare (import Sphinx, write the Vega bundle) beside the
            # chapters; started later, their Popen would race the pool's forks (`execute_all`).
            renders = Renders(book_dir, build_dir, data_dir, package)
            report["executed"] = execute_all(stale, parameters, data_dir, fingerprint, book_dir, jobs)
        stamp = site_stamp(book_dir, data_dir, package)
        stamp_file = build_dir / "site.stamp"
        if not force and (build_dir / "html").exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
            log("book is up to date")
            return report
        if not report["executed"]:
            check_catalogues(book_dir)
        log("rendering HTML")
        site = (renders or Renders(book_dir, build_dir, data_dir, package)).finish()
        renders = None  # finished: the site is published below
        publish(site, build_dir)
    finally:
        if renders is not None:
            renders.stop()
    stamp_file.write_text(stamp)
    report["rendered"] = True
    log(f"book ready: {build_dir / 'html' / 'index.html'}")
    return report


def check_catalogues(book_dir: Path) -> None:
    """Every translated edition's catalogues (the book's, which Sphinx renders, and the code's,
    which the chapters read) checked before anything runs or renders in its language (`catalogues`)."""
    from belarus_trade.build.catalogues import check_language

    for language in LANGUAGES:
        if language != SOURCE_LANGUAGE:
            for locale_dir in dict.fromkeys([book_dir / LOCALE_DIR.name, LOCALE_DIR]):
                check_language(language, locale_dir)

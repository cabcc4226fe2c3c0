"""Chapters executed with papermill: a chapter's languages in one shared kernel, chapters in forked
workers that die with their build.

A run writes its executed copy only on success (a failed one is kept in `_build/failed/` for
inspection) and stores in it what its key was computed from. A kernel that loses the race for a
port, or is slow to answer on a busy machine, is started again; nothing else is retried. A
worker outliving a killed build would replace a notebook afterwards, so each watches its parent.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from belarus_trade import BUILD_DIR
from belarus_trade.build import BuildError
from belarus_trade.build.book import INJECTED_TAG, METADATA_KEY, Chapter, executed_copy, in_language, read_notebook
from belarus_trade.build.files import write_atomically
from belarus_trade.build.keys import declared_reads, input_key, language_fingerprint
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE

VOLATILE_METADATA = ("papermill", "execution")
KERNEL_START_FAILURE = "Kernel died before replying to kernel_info"  # jupyter_client's message
KERNEL_START_ATTEMPTS = 3
KERNEL_START_TIMEOUT = "Kernel didn't respond in"  # jupyter_client's message when a kernel is slow to answer
KERNEL_START_SECONDS = 180  # papermill's default is 60; a loaded two-core machine once took longer
KERNEL_SLOW_ATTEMPTS = 2
PARENT_POLL_SECONDS = 0.2


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
    the kernel starts the kernel, imports the modules, validates the data files (`data.loading`'s
    cache) and starts vl-convert's engine once per chapter instead of once per language. The
    kernel's namespace is emptied before each later run (`_shared_kernel`), so a run sees none of
    the names the one before defined. Each run writes its target on success; a run
    that fails stops the chapter (the runs after it do not start)."""
    source_notebook = read_notebook(source)
    results = []
    reads = declared_reads(source, data_dir)
    with tempfile.TemporaryDirectory(prefix="belarus-trade-") as scratch:
        kernel = _shared_kernel()
        try:
            for number, run in enumerate(runs):
                executed = Path(scratch) / str(number) / source.name
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
                state = {"parameters": run.parameters}
                state["input_key"] = input_key(source_notebook, run.parameters, data_dir, reads, run.fingerprint)
                notebook["metadata"][METADATA_KEY] = state
                write_atomically(run.target, json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
                results.append({"chapter": source.stem, "language": run.parameters.get("language", SOURCE_LANGUAGE),
                                "seconds": elapsed})
        finally:
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


def _one_line(error: Exception) -> str:
    """Papermill's message carries the whole traceback; the user needs its last line."""
    ename = getattr(error, "ename", type(error).__name__)
    evalue = getattr(error, "evalue", str(error))
    return f"{ename}: {evalue}".splitlines()[0]


def normalise(notebook: dict) -> dict:
    """Drop timing and papermill bookkeeping, and join a cell's consecutive writes to one stream
    (nbconvert's `CoalesceStreamsPreprocessor`: a kernel sends a `print`'s text and its newline
    together or apart, by timing), so re-executions give byte-identical notebooks."""
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    notebook, _ = CoalesceStreamsPreprocessor().preprocess(nbformat.from_dict(notebook), {})
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":  # one list item per line, as nbformat writes text
                output["text"] = "".join(output["text"]).splitlines(keepends=True)
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


def hide_injected_parameters(notebook: dict) -> dict:
    """A run's parameters cell (papermill's) holds the local data folder: not for the page."""
    for cell in notebook["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if INJECTED_TAG in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    return notebook


def execute_all(stale: dict[str, list[Chapter]], parameters: dict, data_dir: Path, fingerprint: str,
                book_dir: Path, jobs: int = 2) -> list[dict]:
    """Run the stale chapters in parallel worker processes, a chapter's
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

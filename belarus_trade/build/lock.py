"""One build of a book at a time: two builds at once would swap sites under each other and both
say "book ready" over a deleted one, so the second is refused, naming the first's process.

The lock is the kernel's (`flock` on `_build/build.lock`), so a build killed with -9 leaves no
stale lock behind, and the file stays in place for anyone who waits on it (the tests' builds).
Not `filelock`: it takes the same flock, but its refusal names only the file, so the holder's
process number would still be written and read here, and it adds process-wide fork handlers to
a build whose worker pool forks from a thread of its own.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from belarus_trade.build import BuildError

LOCK_NAME = "build.lock"


@contextmanager
def one_build_at_a_time(build_dir: Path):
    """Hold the book's build lock, or refuse at once with the holder's process number, which the
    holder writes into the lock file once it has the lock."""
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

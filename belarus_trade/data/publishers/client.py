"""The one way this project talks to a publisher: a GET whose every loop over the answer has a count, byte and time limit.

Why written here: urllib's timeout bounds each socket read, not a request, so a server dripping
one byte at a time, or a name that never resolves, could hold a refresh for ever; and nothing in
urllib caps an answer's size. `http_get_bytes` runs the request in a worker thread it stops
waiting for at a deadline, and streams the body against the byte limit and the same clock; the
publishers' modules cap what they loop over (pages, unpacked bytes) with the same `Limits`.
"""
from __future__ import annotations

import concurrent.futures
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial

USER_AGENT = "belarus_trade/1.0 (Jupyter Book on Belarus-Russia trade; python-urllib)"

KiB, MiB = 2**10, 2**20
CHUNK_BYTES = 64 * KiB


class PublisherError(RuntimeError):
    """A publisher could not deliver a series; `kind` says what the build should do about it.

    offline        - no connection could be made (DNS failure, refused, unreachable): keep the snapshot, try again later
    timeout        - a server was reached but did not answer in time, or the refresh's time ran out: keep the snapshot
    over_limit     - the answer broke a hard limit (bytes, unpacked bytes, pages): keep the snapshot, look at the publisher
    rate_limited   - HTTP 429: wait before asking again
    empty          - the publisher answered but has no observations for the query
    schema_changed - the answer is not in the documented format: the parser needs updating
    http_error     - any other refusal (HTTP 4xx/5xx, a connection broken off mid-answer, or an error the API reports in its body)
    """

    KINDS = ("offline", "timeout", "over_limit", "rate_limited", "empty", "schema_changed", "http_error")

    def __init__(self, publisher: str, series: str, kind: str, detail: str):
        if kind not in self.KINDS:
            raise ValueError(f"unknown PublisherError kind {kind!r}")
        self.publisher = publisher
        self.series = series
        self.kind = kind
        self.detail = " ".join(str(detail).split())
        super().__init__(f"{publisher} {series}: {self.detail}")

    def relabel(self, publisher: str, series: str) -> PublisherError:
        """The same failure, named after the series the caller asked for rather than the URL."""
        return PublisherError(publisher, series, self.kind, self.detail)


@dataclass(frozen=True)
class Limits:
    """Hard limits on talking to the publishers, so that no server, however it misbehaves, can hold a refresh or fill memory.

    The defaults are ten times and more what the publishers need: each answer (a WDI page, an IMF
    or Comtrade answer, UNCTAD's bulk archive and the CSV in it) is a few MB at most, every WDI
    series fits in one page, and a whole refresh is about fifteen requests.
    """

    read_seconds: float = 20  # connecting, and silence between two packets of an answer
    request_seconds: float = 120  # one request, from connecting to its last byte
    run_seconds: float = 900  # every request of one refresh together
    response_bytes: int = 32 * MiB  # one answer's body
    unpacked_bytes: int = 64 * MiB  # what an archive unpacks to
    pages: int = 20  # pages of one paged series

    def __post_init__(self):
        for name, value in vars(self).items():
            if not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"limit {name} must be a positive number, not {value!r}, so that a misbehaving server cannot hold the refresh")


LIMITS = Limits()


def _silent(message: str) -> None:
    """Progress goes nowhere unless the caller passes a `log`."""


def bounded_getters(limits: Limits = LIMITS, log: Callable[[str], None] = _silent) -> tuple[Callable, Callable]:
    """`http_get_json` and `http_get_bytes` for one refresh: each request within `limits`, all within its run time from now."""
    bounds = {"limits": limits, "run_started": time.monotonic(), "log": log}
    return partial(http_get_json, **bounds), partial(http_get_bytes, **bounds)


def http_get_bytes(
    url: str, *, limits: Limits = LIMITS, run_started: float | None = None, log: Callable[[str], None] = _silent,
    opener=None, headers: Mapping[str, str] | None = None,
) -> bytes:
    """GET `url` within `limits` and return the body, turning every way the request can fail into a `PublisherError`.

    The request runs in a worker thread that the caller stops waiting for at the deadline (the
    request's time, or what is left of the run begun at `run_started`, a `time.monotonic()` value),
    so that a server dripping its answer or a name that never resolves cannot hold the refresh; the
    worker streams the body against the same clock and the byte limit. `opener` is anything with
    `open(request, timeout=...)` (tests pass a fake); by default `urllib.request.urlopen` is used.
    Errors are labelled with the URL's host and path; the fetch functions relabel them with publisher and series.
    """
    parts = urllib.parse.urlsplit(url)
    where = (parts.netloc, parts.path)
    started = time.monotonic()
    run_deadline = (started if run_started is None else run_started) + limits.run_seconds
    deadline = min(started + limits.request_seconds, run_deadline)
    limit = f"{limits.request_seconds:g} s limit per request" if deadline < run_deadline else f"{limits.run_seconds:g} s limit of the whole refresh"
    if deadline <= started:
        raise PublisherError(*where, "timeout", f"timeout: the {limit} is spent")
    overdue = partial(PublisherError, *where, "timeout", f"timeout: {parts.netloc} did not finish answering within the {limit}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    answer = concurrent.futures.Future()
    read = partial(_read, request, opener, min(limits.read_seconds, deadline - started), limits.response_bytes, deadline, where, overdue)
    threading.Thread(target=_settle, args=(answer, read), daemon=True).start()
    if not concurrent.futures.wait([answer], timeout=deadline - started).done:
        raise overdue()
    try:
        body = answer.result()
    except urllib.error.HTTPError as err:
        if err.code == 429:
            raise PublisherError(*where, "rate_limited", "rate limited (HTTP 429)") from err
        raise PublisherError(*where, "http_error", f"HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:  # urllib raises these while connecting and sending the request
        raise PublisherError(*where, "offline", _offline_detail(err.reason, parts.hostname, limits.read_seconds)) from err
    except TimeoutError as err:  # connected, then silence (for as long as the deadline left, or longer)
        if time.monotonic() >= deadline:
            raise overdue() from err
        raise PublisherError(*where, "timeout", f"timeout: {parts.netloc} was reached but sent nothing for {limits.read_seconds:g} s") from err
    except (OSError, http.client.HTTPException) as err:
        raise PublisherError(*where, "http_error", f"{parts.netloc} broke off the connection ({err!r})") from err
    if not body.strip():
        raise PublisherError(*where, "empty", "the publisher answered with an empty body (no data)")
    log(f"  GET {url}: {size_text(len(body))} in {time.monotonic() - started:.1f} s")
    return body


def _settle(future: concurrent.futures.Future, work: Callable) -> None:
    """Run `work` in this worker thread and hand its result or error to the caller waiting on `future`."""
    try:
        future.set_result(work())
    except Exception as err:
        future.set_exception(err)


def _read(request, opener, read_seconds: float, max_bytes: int, deadline: float, where: tuple[str, str], overdue: Callable) -> bytes:
    """The body of `request`, read in chunks against the byte limit and the deadline (each read returns what has arrived)."""
    fail = partial(PublisherError, *where, "over_limit")
    open_url = opener.open if opener is not None else urllib.request.urlopen
    with open_url(request, timeout=read_seconds) as response:
        announced = response.headers.get("Content-Length", "")
        if announced.isdigit() and int(announced) > max_bytes:
            raise fail(f"the answer announces {size_text(int(announced))}, above the {size_text(max_bytes)} limit per response")
        chunks, size = [], 0
        while chunk := response.read1(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise fail(f"the answer runs past the {size_text(max_bytes)} limit per response")
            if time.monotonic() > deadline:
                raise overdue()
            chunks.append(chunk)
    if announced.isdigit() and size < int(announced):
        raise PublisherError(*where, "http_error", f"the answer was cut short at {size} of the {announced} bytes it announced")
    return b"".join(chunks)


def size_text(count: int) -> str:
    """Bytes in the largest binary unit that keeps them readable: '32 MiB', '153.4 KiB'."""
    for unit, scale in (("GiB", 2**30), ("MiB", MiB), ("KiB", KiB)):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


def http_get_json(url: str, **bounds):
    """GET `url` with `http_get_bytes` (same keywords) and decode JSON; a body that is not JSON is `schema_changed`."""
    body = http_get_bytes(url, **bounds)
    where = urllib.parse.urlsplit(url)[1:3]
    try:
        return json.loads(body)
    except ValueError as err:
        raise PublisherError(*where, "schema_changed", f"response is not JSON ({err})") from err


def _offline_detail(reason, host: str | None, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"offline: no connection to {host} within {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return f"offline: cannot resolve {host}"
    return f"offline: connection failed ({reason})"


def get_as(get: Callable, url: str, publisher: str, series: str, **kwargs):
    """Call `get`, naming any failure after the series rather than the raw URL."""
    try:
        return get(url, **kwargs)
    except PublisherError as err:
        raise err.relabel(publisher, series) from err


def as_list(codes: str | Iterable[str]) -> list[str]:
    return [codes] if isinstance(codes, str) else list(codes)


def check_year_range(start: int, end: int) -> None:
    if int(start) > int(end):
        raise ValueError(f"start year {start} is after end year {end}")


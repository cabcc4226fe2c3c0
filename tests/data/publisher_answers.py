"""What the publisher tests answer with: fake transports, the hand-written fixtures in the documented
formats (fixtures/publishers/), and the answers the publishers' servers really sent (fixtures/publishers/real/,
see its README), with the IMTS answer the IMF tests and the living update derive their cases from."""
import copy
import email.message
import io
import json
import urllib.error
import urllib.parse
from pathlib import Path

import py7zr

from belarus_trade.data.publishers.client import PublisherError
from belarus_trade.data.publishers.imf import parse_imf_country_names

FIXTURES = Path(__file__).parent / "fixtures" / "publishers"
REAL = FIXTURES / "real"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def recorded(name: str):
    return json.loads((REAL / name).read_text(encoding="utf-8"))


def assert_one_line(err: PublisherError, prefix: str):
    text = str(err)
    assert text.startswith(prefix), text
    assert "\n" not in text


# --- fake transport ---------------------------------------------------------------------------

class FakeResponse(io.BytesIO):
    """What urlopen returns: a readable context manager with a status and headers."""

    def __init__(self, body: bytes, status: int = 200, headers: dict[str, str] | None = None):
        super().__init__(body)
        self.status = status
        self.headers = email.message.Message()
        for name, value in (headers or {}).items():
            self.headers[name] = value


class FakeOpener:
    """Records every request and its timeout, then answers or raises as scripted."""

    def __init__(self, outcome, headers: dict[str, str] | None = None):
        self.outcome = outcome
        self.headers = headers
        self.calls = []

    def open(self, request, timeout=None):
        self.calls.append((request, timeout))
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return FakeResponse(self.outcome, headers=self.headers)


def http_error(url: str, code: int, reason: str) -> urllib.error.HTTPError:
    return urllib.error.HTTPError(url, code, reason, email.message.Message(), None)


class FakeGet:
    """A stand-in for http_get_json that serves decoded fixtures by URL."""

    def __init__(self, answer):
        self.answer = answer
        self.urls = []

    def __call__(self, url, **kwargs):
        self.urls.append(url)
        return self.answer(url)


def page_number(url: str) -> int:
    return int(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["page"][0])


class RecordedServer:
    """A `get` that answers each URL the test expects with a recorded body and keeps every request."""

    def __init__(self, answers: dict[str, object]):
        self.answers = answers
        self.requests = []

    def __call__(self, url, **kwargs):
        self.requests.append((url, kwargs))
        if url not in self.answers:
            raise AssertionError(f"unexpected request {url}")
        return copy.deepcopy(self.answers[url])


def seven_zip(members: dict[str, bytes]) -> bytes:
    """A real 7z archive holding the given files, as UNCTAD's bulk download serves it."""
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(content, name)
    return buffer.getvalue()


# --- the IMF's recorded answers ---------------------------------------------------------------

UNNAMED_IMTS_GROUPS = ["GX170", "GX405", "GX440", "GX605", "GX901",
                       "TX126", "TX399", "TX489", "TX598", "TX799", "TX884", "TX898", "TX899", "TX910"]


def real_names() -> dict:
    return parse_imf_country_names(recorded("imf_cl_country.json"))


def availability_partners() -> list[str]:
    constraint = recorded("imf_imts_availability_usa_xg_partners.json")["data"]["dataConstraints"][0]
    return [value["value"] for value in constraint["cubeRegions"][0]["components"][0]["values"]]


def imts_message(reporter: str = "USA", partners: list[str] | None = None) -> dict:
    """The reconstructed IMTS answer; with `partners`, every partner carries the World series' observations (derived case)."""
    message = recorded("imf_imts_usa_xg_g001_g998.json")
    structure = message["data"]["structures"][0]
    structure["dimensions"]["series"][0]["values"] = [{"id": reporter}]
    if partners is not None:
        structure["dimensions"]["series"][2]["values"] = [{"id": code} for code in partners]
        world = message["data"]["dataSets"][0]["series"]["0:0:0:0"]
        message["data"]["dataSets"][0]["series"] = {f"0:0:{i}:0": copy.deepcopy(world) for i in range(len(partners))}
    return message

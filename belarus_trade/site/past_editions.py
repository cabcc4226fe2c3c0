"""Every published edition stays readable: its pages, kept at publication, under `editions/N/`.

`make publish` keeps the pages of the edition it publishes (HTML and chart images of both
languages, not the shared styles and scripts) as `book/editions/site-NNN.tar.gz`. Each render
unpacks every kept edition into the site's `editions/N/`, points its pages at the current site's
`_static/` (the files every page loads), and puts a banner at the top of each page: which edition
this is, as published, with a link to the same page as it is now. The archives are input like the records: members are
checked (plain files, relative paths inside the folder, a count and size limit) before anything is
written.

An archive may carry its own shared files: editions 1 and 2, published before pages were kept, were
rebuilt later from the commits that published them, and their pages need the scripts and styles
they were published with (`archive_pages(..., with_shared=True)`). A language's pages whose archive
holds that language's `_static/` (`_static/`, `ru/_static/`) keep their links to it.
"""
from __future__ import annotations

import html
import json
import posixpath
import re
import tarfile
from pathlib import Path, PurePosixPath

from belarus_trade.build.files import reproducible_tar
from belarus_trade.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, date, speaking, tr

ARCHIVE_NAME = "site-{:03d}.tar.gz"
ARCHIVE_PATTERN = re.compile(r"site-(\d{3})\.tar\.gz")
SITE_FOLDER = "editions"  # in the built site: editions/N/
# What an archive leaves out of a built site: the styles and scripts every page shares (the
# current site's serve the kept pages; SHARED) and the earlier editions themselves.
SHARED = "_static"
LEFT_OUT = (SHARED, SITE_FOLDER, ".buildinfo")
EDITION_FILE = "edition.json"  # in an archive: {"edition": N, "date": "YYYY-MM-DD"}, not a page of the site
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_MEMBERS, MAX_BYTES = 5_000, 64 * 1024 * 1024
STATIC_LINK = re.compile(r'((?:href|src|data-bundle)=")((?:\.\./)*_static/)')
PAGE_LINK = re.compile(r'(\bhref=")([^"#?:]+\.html)')  # a relative link to a page (its anchor stays after it)
ARTICLE_START = re.compile(r"<article\b[^>]*>")
BANNER = N_("Edition {number} of {date}, as it was published.")
CURRENT = N_("This page as it is now")


class ArchiveError(ValueError):
    """A kept edition's archive is not what `make publish` writes."""


def _edition_of(archive: Path, tar: tarfile.TarFile) -> tuple[int, str]:
    try:
        kept = json.loads(tar.extractfile(EDITION_FILE).read(64 * 1024))
    except (KeyError, AttributeError, ValueError) as error:
        raise ArchiveError(f"{archive.name}: no readable {EDITION_FILE}") from error
    number, edition_date = kept.get("edition") if isinstance(kept, dict) else None, kept.get("date") if isinstance(kept, dict) else None
    if not isinstance(number, int) or ARCHIVE_NAME.format(number) != archive.name or not ISO_DATE.fullmatch(str(edition_date)):
        raise ArchiveError(f"{archive.name}: {EDITION_FILE} does not name this edition and its date")
    return number, edition_date


def archive_pages(site: Path, number: int, edition_date: str, with_shared: bool = False) -> bytes:
    """The kept pages of a built `site` of edition `number`: the same bytes for the same pages.
    `with_shared`: with each language's `_static/` too, for pages that cannot use the current
    site's (an edition rebuilt from an older commit)."""
    left_out = tuple(name for name in LEFT_OUT if not (with_shared and name == SHARED))
    files = {path.relative_to(site).as_posix(): path.read_bytes()
             for path in site.rglob("*") if path.is_file() and not _left_out(path.relative_to(site), left_out)}
    return reproducible_tar({EDITION_FILE: json.dumps({"edition": number, "date": edition_date}).encode(), **files})


def _left_out(relative: Path, left_out: tuple[str, ...] = LEFT_OUT) -> bool:
    parts = relative.parts[1:] if relative.parts[:1] == ("ru",) else relative.parts
    return bool(parts) and parts[0] in left_out


def _own_shared(relative: PurePosixPath, folders: dict[str, str]) -> PurePosixPath:
    """Where the shared files of the language whose folder holds `relative` are (`ru/_static` for `ru/...`)."""
    translated = len(relative.parts) > 1 and f"{relative.parts[0]}/" in folders.values()
    return PurePosixPath(relative.parts[0], SHARED) if translated else PurePosixPath(SHARED)


def kept_editions(editions_dir: Path) -> dict[int, Path]:
    """The editions whose pages are kept, by number."""
    found = {}
    for path in sorted(editions_dir.glob("site-*.tar.gz")) if editions_dir.is_dir() else ():
        match = ARCHIVE_PATTERN.fullmatch(path.name)
        if match:
            found[int(match[1])] = path
    return found


def unpack(archive: Path, site: Path, folders: dict[str, str]) -> list[Path]:
    """The archive's pages into the site's `editions/N/`, each opened by the banner in its language
    (`folders`: language -> its folder in the site) and pointed at the current site's shared files,
    unless the archive holds its language's own `_static/`: then its links stay as published."""
    pages = []
    with tarfile.open(archive, mode="r:gz") as tar:
        members = tar.getmembers()
        if len(members) > MAX_MEMBERS or sum(m.size for m in members) > MAX_BYTES:
            raise ArchiveError(f"{archive.name}: more than {MAX_MEMBERS} files or {MAX_BYTES} bytes")
        number, edition_date = _edition_of(archive, tar)
        target = site / SITE_FOLDER / str(number)
        for member in members:
            relative = PurePosixPath(member.name)
            if not member.isfile() or relative.is_absolute() or ".." in relative.parts or not relative.parts:
                raise ArchiveError(f"{archive.name}: {member.name!r} is not a file inside the site")
        absent = tuple(folder for folder in folders.values() if folder and not any(m.name.startswith(folder) for m in members))
        carried = {shared for shared, relative in ((_own_shared(PurePosixPath(m.name), folders), PurePosixPath(m.name)) for m in members)
                   if shared in relative.parents}  # the languages whose archive holds their own _static/
        for member in members:
            if member.name == EDITION_FILE:
                continue
            relative = PurePosixPath(member.name)
            shared = _own_shared(relative, folders)
            destination = target.joinpath(*relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            content = tar.extractfile(member).read()
            if relative.suffix == ".html" and shared not in relative.parents:  # not the theme's templates in _static/
                language = next((code for code, folder in folders.items() if folder and relative.parts[0] == folder.strip("/")),
                                SOURCE_LANGUAGE)
                content = earlier_page(content.decode("utf-8"), relative, number, edition_date, language,
                                       own_shared=shared in carried, absent=absent).encode("utf-8")
                pages.append(destination)
            destination.write_bytes(content)
    return pages


def earlier_page(page: str, relative: PurePosixPath, number: int, edition_date: str, language: str,
                 own_shared: bool = False, absent: tuple[str, ...] = ()) -> str:
    """A kept page (at `relative` in its edition) as it is shown now, under `editions/N/`: its links
    to the shared files lead to the current site's (to its edition's own when `own_shared`), its
    links into a language folder the edition did not keep (`absent`, "ru/") to that language's page
    as it is now, and its article opens with the banner."""
    to_site_root = "../" * (len(relative.parts) - 1 + 2)  # out of the page's folder, then out of editions/N/

    def current_page(match) -> str:
        resolved = posixpath.normpath(posixpath.join(str(relative.parent), html.unescape(match[2])))
        if not any(resolved.startswith(folder) for folder in absent):
            return match[0]
        return match[1] + html.escape(to_site_root + resolved)

    def shared(match) -> str:
        resolved = posixpath.normpath(posixpath.join(str(relative.parent), match[2]))
        return match[1] + to_site_root + resolved + "/"

    if not own_shared:
        page = STATIC_LINK.sub(shared, page)
    if absent:
        page = PAGE_LINK.sub(current_page, page)
    with speaking(language):
        text, link = tr(BANNER).format(number=number, date=date(edition_date)), tr(CURRENT)
    banner = (f'<div class="bt-earlier-edition" role="note"><p>{html.escape(text)} '
              f'<a href="{html.escape(to_site_root + str(relative))}">{html.escape(link)}</a></p></div>')
    opening = ARTICLE_START.search(page)
    return page[:opening.end()] + banner + page[opening.end():] if opening else page


def _unpack_kept_editions(app, exception) -> None:
    """After the source language's render: every kept edition into the new site's `editions/N/`."""
    if exception or (app.config.language or SOURCE_LANGUAGE) != SOURCE_LANGUAGE:
        return
    records = Path(app.config.belarus_trade_records_dir or app.srcdir)
    folders = {language: "" if language == SOURCE_LANGUAGE else f"{language}/" for language in LANGUAGES}
    for archive in kept_editions(records / "editions").values():
        unpack(archive, Path(app.outdir), folders)


def register(app) -> None:
    app.connect("build-finished", _unpack_kept_editions)

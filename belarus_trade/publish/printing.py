"""Printing the built site's pages as a book is printed: the book PDF (`pdf`) and the exercise
sheets (`handouts`) share it.

Chromium prints each page with the site's print stylesheet (static chart images, no screen
controls), without its own header and footer: its footer numbers each printed document from 1
and names it by the page's title. The parts are then bound with pypdf: front matter (a title
page and a contents page with page numbers, from `templates/front_matter.html`), the parts in
order, one footer per page (the part's short title and the page's number in the whole document,
drawn by Chromium from `templates/footers.html` and laid over each page) and the PDF's outline.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from belarus_trade.i18n import N_, tr, trc
from belarus_trade.site.server import serve

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
# A4 with 15 mm margins (the 600 px charts print at their own size); the bottom one holds the footer.
MARGINS = {"top": "15mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)
PAGE_OF = N_("page {page} of {pages}")


@dataclass(frozen=True)
class Part:
    """One printed part of a document: its title (the contents and the outline) and its footer's short title."""

    title: str
    short_title: str
    path: Path

    @property
    def pages(self) -> int:
        from pypdf import PdfReader

        return len(PdfReader(str(self.path)).pages)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is needed to print the book: apt-get install chromium")
    return path


def in_chromium(site: Path, browser, work: Callable):
    """`work(page, base)`: a new page of `browser` (Playwright's; None: a headless Chromium of the
    project's, Debian's, as the tests drive it) and the address `site` is served at."""
    from playwright.sync_api import sync_playwright

    with serve(site) as base:
        if browser is not None:
            return _on_a_page(browser, base, work)
        with sync_playwright() as playwright:
            own = playwright.chromium.launch(executable_path=chromium_path(), args=BROWSER_ARGS)
            try:
                return _on_a_page(own, base, work)
            finally:
                own.close()


def _on_a_page(browser, base: str, work: Callable):
    page = browser.new_page()
    try:
        return work(page, base)
    finally:
        page.close()


def print_page(page, url: str, target: Path, content: str | None = None) -> Path:
    """The page at `url` printed to `target` in print media, every lazy image loaded first;
    `content` (a document made from the page) printed in its place, its links read from `url`."""
    page.goto(url, wait_until="load")
    if content is not None:
        page.set_content(content, wait_until="load")
    page.emulate_media(media="print")
    # Static chart images are lazy on screen; printing needs every one of them loaded.
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    page.pdf(path=str(target), format="A4", print_background=False, margin=MARGINS)
    return target


def _print_html(page, document: str, target: Path) -> Path:
    page.set_content(document, wait_until="load")
    page.emulate_media(media="print")
    page.pdf(path=str(target), format="A4", print_background=False, prefer_css_page_size=True)
    return target


def bind(parts: list[Part], target: Path, page, language: str, front: dict | None = None) -> tuple[Path, list[int]]:
    """The parts as one PDF at `target`, in the current language: after the front matter (`front`:
    the title page's `title`, `author` and `lines`, and a contents page; None for none), every page
    with its footer but the title page, an outline entry per part. Returns the PDF and the page on
    which each part starts (from 1)."""
    from pypdf import PdfReader, PdfWriter

    lengths = [part.pages for part in parts]
    scratch = target.parent / f".{target.stem}-front.pdf"
    front_pages = 0
    if front is not None:
        # The contents' page numbers depend on the front matter's length: lay it out once to count it.
        front_pages = len(PdfReader(str(_front_matter(page, front, parts, [0] * len(parts), language, scratch))).pages)
    starts = _starts(front_pages, lengths)
    if front is not None:
        _front_matter(page, front, parts, starts, language, scratch)
        if len(PdfReader(str(scratch)).pages) != front_pages:
            raise RuntimeError("the front matter changed its length when its page numbers were filled in")
    total = front_pages + sum(lengths)
    labels = [""] + [_contents()] * (front_pages - 1) if front is not None else []
    for part, length in zip(parts, lengths):
        labels += [part.short_title] * length
    footers = _footers(page, labels, total, language, target.parent / f".{target.stem}-footers.pdf")
    writer = PdfWriter()
    if front is not None:
        writer.append(str(scratch))
    for part in parts:
        writer.append(str(part.path), import_outline=False)
    footer_pages = PdfReader(str(footers)).pages
    for number, sheet in enumerate(writer.pages):
        if labels[number]:
            sheet.merge_page(footer_pages[number])
    for part, start in zip(parts, starts):
        writer.add_outline_item(title=part.title, page_number=start - 1)
    writer.add_metadata({"/Title": front["title"] if front else parts[0].title})
    with open(target, "wb") as stream:
        writer.write(stream)
    for path in (scratch, footers):
        path.unlink(missing_ok=True)
    return target, starts


def part_pages(document: Path, start: int, length: int, target: Path) -> Path:
    """Pages `start`..`start + length - 1` (from 1) of a bound document: one part, numbered as in the whole."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    reader = PdfReader(str(document))
    for number in range(start - 1, start - 1 + length):
        writer.add_page(reader.pages[number])
    with open(target, "wb") as stream:
        writer.write(stream)
    return target


def _contents() -> str:
    """The contents page's title ("Contents" of a data table's column is another word in Russian)."""
    return trc("printed book", "Contents")


def _starts(front_pages: int, lengths: list[int]) -> list[int]:
    starts, page = [], front_pages + 1
    for length in lengths:
        starts.append(page)
        page += length
    return starts


def _front_matter(page, front: dict, parts: list[Part], starts: list[int], language: str, target: Path) -> Path:
    entries = [{"title": part.title, "page": start} for part, start in zip(parts, starts)]
    document = TEMPLATES.get_template("front_matter.html").render(language=language, contents=_contents(), entries=entries, **front)
    return _print_html(page, document, target)


def _footers(page, labels: list[str], total: int, language: str, target: Path) -> Path:
    """One A4 page per page of the document, blank but for its footer (laid over the printed page)."""
    footers = [(f"{label} · " + tr(PAGE_OF).format(page=number, pages=total)) if label else ""
               for number, label in enumerate(labels, 1)]
    return _print_html(page, TEMPLATES.get_template("footers.html").render(language=language, footers=footers), target)

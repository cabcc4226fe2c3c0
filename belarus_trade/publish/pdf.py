"""`make pdf`: the book printed to PDF by headless Chromium, one file per chapter and the whole book.

Pages are printed with the print stylesheet, so every chart appears as its static image; the
footer carries page numbers and the captions keep the article's figure numbers. Each language is
printed from its own site (the Russian one from `html/ru/`), its footer in its language.
"""
from __future__ import annotations

import html
import shutil
from pathlib import Path

from belarus_trade import BOOK_DIR, i18n
from belarus_trade.build.book import chapters
from belarus_trade.i18n import tr
from belarus_trade.site.server import serve

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
FOOTER = '<div style="font-size:8px;width:100%;text-align:center;color:#555;"><span class="title"></span> · {pages}</div>'


def footer() -> str:
    """The page footer in the current language; Chromium fills in the spans."""
    words = html.escape(tr("page {page} of {pages}"))
    return FOOTER.format(pages=words.format(page='<span class="pageNumber"></span>', pages='<span class="totalPages"></span>'))


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is needed to print the book: apt-get install chromium")
    return path


def print_book(site: Path, output: Path, book_dir: Path = BOOK_DIR, language: str = i18n.SOURCE_LANGUAGE, browser=None) -> Path:
    """One PDF per chapter in `language` in `output`, and `output/book.pdf` joining
    them in table-of-contents order; in `browser` (Playwright's) if given, else in a Chromium of its own."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfWriter

    if language != i18n.SOURCE_LANGUAGE:
        site = site / language
    with i18n.speaking(language):
        page_footer = footer()
    output.mkdir(parents=True, exist_ok=True)
    pages = [c.path.relative_to(book_dir).with_suffix(".html").as_posix() for c in chapters(book_dir)]
    pages.append("bibliography.html")
    with serve(site) as base:
        if browser is not None:
            written = _print_pages(browser, base, pages, output, page_footer)
        else:
            with sync_playwright() as playwright:
                own = playwright.chromium.launch(executable_path=chromium_path(), args=BROWSER_ARGS)
                written = _print_pages(own, base, pages, output, page_footer)
                own.close()
    book = PdfWriter()
    for part in written:
        book.append(str(part))
    combined = output / "book.pdf"
    with open(combined, "wb") as stream:
        book.write(stream)
    return combined


def _print_pages(browser, base: str, pages: list[str], output: Path, page_footer: str) -> list[Path]:
    written = []
    page = browser.new_page()
    for relative in pages:
        page.goto(f"{base}{relative}", wait_until="load")
        page.emulate_media(media="print")
        # Static chart images are lazy on screen; printing needs every one of them loaded.
        page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
        page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        target = output / (Path(relative).stem + ".pdf")
        page.pdf(path=str(target), format="A4", print_background=False, display_header_footer=True,
                 header_template="<div></div>", footer_template=page_footer,
                 margin={"top": "15mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
        written.append(target)
    page.close()
    return written

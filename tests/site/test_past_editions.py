"""Every published edition stays readable (issue 23): its pages kept at publication, shown under
`editions/N/` with a banner, their shared files the current site's (or, for editions 1 and 2,
rebuilt later, their own); archives are input."""
from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path, PurePosixPath

import pytest
import yaml
from bs4 import BeautifulSoup

from belarus_trade import BOOK_DIR
from belarus_trade.build.pipeline import build
from belarus_trade.publish import editions
from belarus_trade.site import past_editions

PAGE = ('<html><head><link href="../_static/styles/theme.css" rel="stylesheet"/>'
        '<script data-bundle="../_static/vega-bundle.js" src="../_static/bt-charts.js"></script></head>'
        '<body><article class="bd-article"><h1>Title</h1></article></body></html>')


def test_an_earlier_page_leads_to_the_current_shared_files_and_says_which_edition_it_is():
    shown = past_editions.earlier_page(PAGE, PurePosixPath("ru/chapters/x.html"), 3, "2027-01-31", "ru")
    soup = BeautifulSoup(shown, "html.parser")
    assert soup.link["href"] == "../../../../ru/_static/styles/theme.css"  # editions/3/ru/chapters/ -> the site's ru/_static
    assert soup.script["src"] == "../../../../ru/_static/bt-charts.js" and soup.script["data-bundle"].endswith("ru/_static/vega-bundle.js")
    banner = soup.select_one("article > div.bt-earlier-edition[role=note]")
    assert "31.01.2027" in banner.get_text() and "3" in banner.get_text() and banner.a["href"] == "../../../../ru/chapters/x.html"
    english = BeautifulSoup(past_editions.earlier_page(PAGE.replace("../_static", "_static"), PurePosixPath("index.html"), 1,
                                                       "2026-11-30", "en"), "html.parser")
    assert english.link["href"] == "../../_static/styles/theme.css" and english.select_one(".bt-earlier-edition a")["href"] == "../../index.html"
    assert "Edition 1 of 2026-11-30, as it was published." in english.get_text()


def archive(tmp_path: Path, number: int, members: dict[str, bytes], edition: dict | None = None) -> Path:
    path = tmp_path / past_editions.ARCHIVE_NAME.format(number)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in {past_editions.EDITION_FILE: json.dumps(edition or {"edition": number, "date": "2026-11-30"}).encode(),
                              **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("members, edition, message", [
    ({"../outside.html": b"x"}, None, "is not a file inside the site"),
    ({"/etc/passwd": b"x"}, None, "is not a file inside the site"),
    ({"index.html": b"x"}, {"edition": 2, "date": "2026-11-30"}, "does not name this edition"),
    ({"index.html": b"x"}, {"edition": 1, "date": "<script>"}, "does not name this edition"),
])
def test_an_archive_is_checked_before_anything_is_written(tmp_path, members, edition, message):
    site = tmp_path / "site"
    with pytest.raises(past_editions.ArchiveError, match=message):
        past_editions.unpack(archive(tmp_path, 1, members, edition), site, {"en": "", "ru": "ru/"})
    assert not (site / "editions").exists() or not any((site / "editions").rglob("*.html"))


def test_an_archive_with_its_own_shared_files_keeps_its_links_to_them(tmp_path):
    site = tmp_path / "site"
    (site / "_static" / "styles").mkdir(parents=True)
    (site / "ru" / "_static").mkdir(parents=True)
    (site / "editions" / "1").mkdir(parents=True)
    for name, content in {"index.html": PAGE.replace("../_static", "_static"), "chapters/x.html": PAGE,
                          "_static/styles/theme.css": "body {}", "_static/webpack-macros.html": "<article>{{ macro }}</article>",
                          "ru/chapters/x.html": PAGE, "ru/_static/bt-charts.js": "", ".buildinfo": "", "editions/1/index.html": ""}.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(content, encoding="utf-8")
    kept = past_editions.archive_pages(site, 2, "2026-12-07", with_shared=True)
    assert kept == past_editions.archive_pages(site, 2, "2026-12-07", with_shared=True), "the same files, the same bytes"
    with tarfile.open(fileobj=io.BytesIO(kept)) as tar:
        names = set(tar.getnames())
    assert {"_static/styles/theme.css", "ru/_static/bt-charts.js", "chapters/x.html"} <= names
    assert not {".buildinfo", "editions/1/index.html"} & names
    with tarfile.open(fileobj=io.BytesIO(past_editions.archive_pages(site, 2, "2026-12-07"))) as tar:
        assert not any("_static" in name for name in tar.getnames()), "without with_shared, the shared files stay out"

    path = tmp_path / "site-002.tar.gz"
    path.write_bytes(kept)
    shown = tmp_path / "shown"
    pages = past_editions.unpack(path, shown, {"en": "", "ru": "ru/"})
    earlier = shown / "editions" / "2"
    assert sorted(p.relative_to(earlier).as_posix() for p in pages) == ["chapters/x.html", "index.html", "ru/chapters/x.html"]
    for page, theme in (("index.html", "_static/styles/theme.css"), ("chapters/x.html", "../_static/styles/theme.css")):
        soup = BeautifulSoup((earlier / page).read_text(encoding="utf-8"), "html.parser")
        assert soup.link["href"] == theme and (earlier / page).parent.joinpath(theme).is_file(), "its own _static, as published"
        assert soup.select_one("article > .bt-earlier-edition") is not None
    assert (earlier / "_static" / "webpack-macros.html").read_text(encoding="utf-8") == "<article>{{ macro }}</article>", \
        "a template among the shared files is no page"
    russian = BeautifulSoup((earlier / "ru" / "chapters" / "x.html").read_text(encoding="utf-8"), "html.parser")
    assert russian.script["src"] == "../_static/bt-charts.js", "ru/_static is the Russian pages' own: kept too"
    without = archive(tmp_path, 3, {"ru/chapters/x.html": PAGE.encode(), "_static/styles/theme.css": b""})
    past_editions.unpack(without, shown, {"en": "", "ru": "ru/"})
    russian = BeautifulSoup((shown / "editions" / "3" / "ru" / "chapters" / "x.html").read_text(encoding="utf-8"), "html.parser")
    assert russian.link["href"] == "../../../../ru/_static/styles/theme.css", "English shared files are not the Russian pages'"


def _quotes(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'"))


@pytest.mark.parametrize("number", [1, 2])
def test_the_rebuilt_editions_are_whole_and_show_their_numbers(tmp_path, number):
    """Editions 1 and 2, rebuilt from the commits that published them (English pages and their own
    _static/): every page has its banner, every file a page loads is in the site, and every number
    the edition's record lists is in the text of its chapter."""
    site = tmp_path / "site"
    archive_path = past_editions.kept_editions(editions.editions_dir(BOOK_DIR))[number]
    pages = past_editions.unpack(archive_path, site, {"en": "", "ru": "ru/"})
    earlier = site / past_editions.SITE_FOLDER / str(number)
    record = json.loads((editions.editions_dir(BOOK_DIR) / f"edition-{number:03d}.json").read_text(encoding="utf-8"))
    assert {"index.html", "what_changed.html", "chapters/union_state.html"} <= {p.relative_to(earlier).as_posix() for p in pages}
    texts, without_article = {}, []
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        banner = soup.select_one("article > .bt-earlier-edition")
        if soup.article is None:  # the banner opens the article; the search page has none (as for kept editions)
            without_article.append(page.relative_to(earlier).as_posix())
        else:
            assert banner is not None and f"Edition {number} of {record['date']}" in banner.get_text(), page
            current = (page.parent / banner.a["href"]).resolve()
            assert current == site / page.relative_to(earlier) and current.is_relative_to(site), page
        for switch in soup.select("a[hreflang]"):
            assert (page.parent / switch["href"]).resolve().is_relative_to(site / "ru"), f"{page}: the language switch, to the page as it is now"
        for tag in soup.select("link[href], script[src], img[src]"):
            link = tag.get("href") or tag.get("src")
            assert "://" not in link and not link.startswith("//"), f"{page}: loads {link} from elsewhere"
            if link.startswith(("data:", "#")):
                continue
            loaded = (page.parent / link.split("?")[0].split("#")[0]).resolve()
            if tag.name == "link" and "alternate" in tag.get("rel", []):
                # Not a file the page loads: the same page in Russian. These two editions' Russian pages
                # were not rebuilt (their chapters were executed in Russian at build time, never committed),
                # so the link leads to the Russian page as it is now.
                assert tag.get("hreflang") == "ru" and loaded.is_relative_to(site / "ru"), f"{page}: {link}"
                continue
            assert loaded.is_relative_to(earlier) and loaded.is_file(), f"{page}: {link}"
        texts[page.relative_to(earlier).as_posix()] = _quotes((soup.article or soup).get_text(""))
    assert without_article == ["search.html"]
    missing = [(n["chapter"], n["shown"]) for n in record["numbers"]
               if _quotes(n["shown"]) not in texts.get(f"chapters/{n['chapter']}.html", texts.get(f"{n['chapter']}.html", ""))]
    assert not missing, f"numbers of edition {number}'s record not on its pages: {missing[:5]}"


def test_a_published_edition_is_readable_after_the_next_one(small_book):
    """Publish edition 1 of a small book and keep its pages; publish edition 2: the site shows
    edition 1 under editions/1/, every page with its banner, every shared file it loads found; the
    What changed page links each moved number to the page that showed it and the page that shows it.
    The book has an address (html.baseurl): each page names its own, canonical, in each language,
    and a chapter's link preview shows its lead chart."""
    book, data = small_book("what_changed", "how_to_cite", "bibliography")
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("html", {})["baseurl"] = "https://example.org/belarus-trade"  # no final "/": the site adds it
    (book / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for record in [*editions.editions_dir(book).glob(editions.RECORD_GLOB), *editions.editions_dir(book).glob("site-*.tar.gz")]:
        record.unlink()  # a book with no edition yet, and no kept pages
    quiet = lambda message: None  # noqa: E731
    build(book, data, log=quiet)
    first = editions.publish_edition(book, data)
    build(book, data, log=quiet)
    kept = editions.keep_pages(book)
    assert kept.name == "site-001.tar.gz" and editions.keep_pages(book).read_bytes() == kept.read_bytes(), "the same pages, the same bytes"
    record = editions.editions_dir(book) / "edition-001.json"
    changed = json.loads(record.read_text(encoding="utf-8"))
    changed["numbers"][0]["shown"] = "1999"  # the book now shows another number: a second edition
    record.write_text(json.dumps(changed), encoding="utf-8")
    second = editions.publish_edition(book, data)
    build(book, data, log=quiet)
    site = (book / "_build" / "html").resolve()
    earlier = site / "editions" / "1"
    pages = sorted(earlier.rglob("*.html"))
    assert {"index.html", "how_to_cite.html", "ru/index.html"} <= {p.relative_to(earlier).as_posix() for p in pages}
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if soup.article is None:
            continue
        banner = soup.select_one(".bt-earlier-edition")
        assert banner is not None and banner.a is not None, page
        assert (page.parent / banner.a["href"]).resolve() == site / page.relative_to(earlier), page
        for link in (tag.get("href") or tag.get("src") for tag in soup.select("link[href], script[src]")):
            if link and "_static/" in link and "://" not in link:
                assert (page.parent / link.split("?")[0]).resolve().is_file(), f"{page}: {link}"
    cited = BeautifulSoup((earlier / "how_to_cite.html").read_text(encoding="utf-8"), "html.parser")
    assert f"edition = {{{first['edition']}}}" in cited.get_text() and second["edition"] == 2
    assert "Издание 1 от" in (earlier / "ru" / "index.html").read_text(encoding="utf-8"), "the banner in Russian"

    moved = BeautifulSoup((site / "what_changed.html").read_text(encoding="utf-8"), "html.parser").select("table.bt-changes-sentences tbody tr")
    chapter = changed["numbers"][0]["chapter"]
    assert moved, "the number changed in edition 1's record is listed as moved"
    old, new = (moved[0].find_all("td")[column].a for column in (1, 2))
    assert (old.get_text(), new.get_text()) == ("1999", first["numbers"][0]["shown"])
    assert (site / old["href"]).resolve() == earlier / "chapters" / f"{chapter}.html"
    assert (site / new["href"]).resolve() == site / "chapters" / f"{chapter}.html"

    for folder in ("", "ru/"):
        for page in ("what_changed.html", f"chapters/{chapter}.html", "how_to_cite.html"):
            head = BeautifulSoup((site / folder / page).read_text(encoding="utf-8"), "html.parser").head
            address = f"https://example.org/belarus-trade/{folder}{page}"
            assert head.select_one("link[rel=canonical]")["href"] == address, page
            assert head.select_one("meta[name=citation_public_url]")["content"] == address, page
        cited = BeautifulSoup((site / folder / "how_to_cite.html").read_text(encoding="utf-8"), "html.parser")
        assert f"url = {{https://example.org/belarus-trade/{folder}}}" in cited.get_text()
        chapter_page = BeautifulSoup((site / folder / "chapters" / f"{chapter}.html").read_text(encoding="utf-8"), "html.parser")
        preview = {meta["property"]: meta["content"] for meta in chapter_page.select("head meta[property]")}
        image = preview["og:image"].removeprefix("https://example.org/belarus-trade/")
        first_chart = chapter_page.select_one("figure img")["src"]  # the lead chart's static image, as drawn
        assert image != preview["og:image"] and (site / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "the lead chart's PNG"
        assert image.startswith(folder) and preview["og:image:alt"].startswith(chapter_page.select_one("figure figcaption").get_text(" ", strip=True)[:10])
        assert first_chart and preview["og:url"] == f"https://example.org/belarus-trade/{folder}chapters/{chapter}.html"

"""What the render makes of the executed chapters: the article's own figure numbers, and pages that
load nothing from another host."""
from __future__ import annotations

from pathlib import Path

CHAPTER = "multivector"


def test_rendered_page_has_numbered_figures_and_no_remote_assets(built_site: Path):
    page = (built_site / "chapters" / f"{CHAPTER}.html").read_text()
    for caption in ("Figure 1.", "Figure 2.", "Table 1.", "Figure 2b", "Table 1a"):
        assert caption in page
    assert "Fig. 1 " not in page, "Sphinx's automatic numbering must not renumber the article's figures"
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page
    assert 'src="http' not in page and 'href="http' not in page.split("<body")[0]
    bibliography = (built_site / "bibliography.html").read_text()
    assert "Preiherman" in bibliography and "Global Sanctions Data Base" in bibliography

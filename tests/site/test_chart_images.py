"""The charts' static images as they print: every chart's SVG (the one a page's "Cite or download"
panel offers, and what the PDF prints) read in Chromium, in both languages.

Each image is checked on what Chromium lays out, not on the spec: no two visible labels of one
axis overlap (Vega hides the labels its `labelOverlap` thins out: opacity 0), no visible text runs
past the image's own width and height (it would be cut), and no annotation (a text mark) sits on
the line, point or rule of another layer. All images go through one page, one after another.
"""
from __future__ import annotations

import html
import re

import pytest
from visits import CHAPTER_PAGES, in_languages

# A chart's SVG, as its panel offers it (site/citation_panel.py): the figure's key and the file.
SVG_LINK = re.compile(r'<a\b[^>]*\bdownload="([^"]+)\.svg"[^>]*\bhref="([^"]+\.svg)"')
TOLERANCE_PX = 1  # a text's box may pass the image's edge, or touch a mark, by this much
LABEL_GAP_PX = 1  # two labels of one axis nearer than this read as one ("19982000"), like labels that overlap

# What Chromium lays out in one image: (axis labels that overlap, texts outside the image,
# annotations on another layer's marks), each a list of the texts concerned.
LAYOUT_FACTS_JS = """([tolerance, gap]) => {
  const svg = document.querySelector("svg");
  const frame = svg.getBoundingClientRect();
  const width = svg.width.baseVal.value, height = svg.height.baseVal.value;
  const shown = (element) => {
    if (!element.textContent.trim() || getComputedStyle(element).fill === "none") return false;
    for (let node = element; node && node !== svg; node = node.parentElement) {
      if (getComputedStyle(node).opacity === "0" || getComputedStyle(node).display === "none") return false;
    }
    return true;
  };
  const box = (element) => element.getBoundingClientRect();
  const overlap = (a, b, margin) => a.left + margin < b.right && b.left + margin < a.right
                                    && a.top + margin < b.bottom && b.top + margin < a.bottom;
  const texts = [...svg.querySelectorAll("text")].filter(shown);
  const axes = [];
  for (const group of svg.querySelectorAll("g.role-axis-label")) {
    const labels = [...group.querySelectorAll("text")].filter(shown);
    for (let i = 0; i < labels.length; i++)
      for (let j = i + 1; j < labels.length; j++)
        if (overlap(box(labels[i]), box(labels[j]), -gap)) axes.push([labels[i].textContent, labels[j].textContent]);
  }
  const outside = texts.filter((text) => {
    const b = box(text);
    return b.left - frame.left < -tolerance || b.top - frame.top < -tolerance
        || b.right - frame.left > width + tolerance || b.bottom - frame.top > height + tolerance;
  }).map((text) => text.textContent);
  // Another layer's lines and rules, as points every 2 px along them; its points, as their boxes.
  const marks = [...svg.querySelectorAll("g.role-mark.mark-line, g.role-mark.mark-rule, g.role-mark.mark-symbol")];
  const annotations = [];
  for (const group of svg.querySelectorAll("g.role-mark.mark-text")) {
    for (const text of [...group.querySelectorAll("text")].filter(shown)) {
      const b = box(text);
      const hit = marks.some((mark) => [...mark.querySelectorAll("path, line")].some((shape) => {
        if (getComputedStyle(shape).opacity === "0") return false;
        if (mark.classList.contains("mark-symbol")) return overlap(b, box(shape), tolerance);
        const matrix = shape.getScreenCTM(), length = shape.getTotalLength();
        for (let at = 0; at <= length; at += 2) {
          const p = new DOMPoint(shape.getPointAtLength(at).x, shape.getPointAtLength(at).y).matrixTransform(matrix);
          if (p.x > b.left + tolerance && p.x < b.right - tolerance && p.y > b.top + tolerance && p.y < b.bottom - tolerance) return true;
        }
        return false;
      }));
      if (hit) annotations.push(text.textContent);
    }
  }
  return {axes, outside, annotations: [...new Set(annotations)]};
}"""


def chart_images(site_root) -> list[tuple[str, str, str]]:
    """(page, figure key, SVG text) of every chart of every chapter page, in every language."""
    images = []
    for page in in_languages(CHAPTER_PAGES):
        markup = (site_root / page).read_text(encoding="utf-8")
        for key, href in SVG_LINK.findall(markup):
            images.append((page, key, ((site_root / page).parent / html.unescape(href)).read_text(encoding="utf-8")))
    return images


def layout_problems(browser, images) -> list[str]:
    """One line per problem found, naming the page, the figure and the texts."""
    problems = []
    page = browser.new_page()
    try:
        for path, key, svg in images:
            page.set_content(svg)
            facts = page.evaluate(LAYOUT_FACTS_JS, [TOLERANCE_PX, LABEL_GAP_PX])
            problems += [f"{path} {key}: axis labels overlap or touch: {a!r} and {b!r}" for a, b in facts["axes"]]
            problems += [f"{path} {key}: text outside the image: {text!r}" for text in facts["outside"]]
            problems += [f"{path} {key}: annotation on another layer's marks: {text!r}" for text in facts["annotations"]]
    finally:
        page.close()
    return problems


def test_chart_images_print_without_overlaps_or_cut_text(built_site, browser):
    images = chart_images(built_site)
    assert images, "no chart image found on the chapter pages"
    assert {path.startswith("ru/") for path, _, _ in images} == {False, True}, "both languages' images are read"
    problems = layout_problems(browser, images)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("svg, expected", [
    # Two labels of one axis drawn over each other, and a text past the right edge.
    ('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><g class="mark-text role-axis-label">'
     '<text x="10" y="20" font-size="12" fill="#000">1998</text><text x="14" y="20" font-size="12" fill="#000">2000</text>'
     '<text x="40" y="20" font-size="12" fill="#000" opacity="0">2002</text></g>'
     '<text x="90" y="40" font-size="12" fill="#000">cut</text></svg>',
     ["axis labels overlap or touch: '1998' and '2000'", "text outside the image: 'cut'"]),
    # A text mark on a line of another layer.
    ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><g class="mark-line role-mark">'
     '<path d="M0,20L200,20" stroke="#000"/></g><g class="mark-text role-mark">'
     '<text x="20" y="24" font-size="11" fill="#000">target</text></g></svg>',
     ["annotation on another layer's marks: 'target'"]),
])
def test_the_layout_check_finds_what_it_looks_for(browser, svg, expected):
    problems = layout_problems(browser, [("page.html", "fig-x", svg)])
    assert [problem.removeprefix("page.html fig-x: ") for problem in problems] == expected

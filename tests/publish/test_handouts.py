"""Which figures and tables an exercise names (`publish.handouts`), in either language; the sheets
themselves, printed, are test_pdf.py's."""
from __future__ import annotations

from bs4 import BeautifulSoup

from belarus_trade.publish.handouts import STUDENT, TEACHER, figures_of, named_in, sheet

PAGE = """<html><body><main><div id="jb-print-docs-body"><h1>Chapter</h1></div><article class="bd-article">
<h1>Chapter</h1><p>Prose the sheet leaves out.</p>
<figure id="fig-3"><div class="bt-chart"></div><figcaption><p><strong>Figure 3.</strong> Trade.</p></figcaption></figure>
<figure id="fig-3c"><div class="bt-chart"></div><figcaption><p><strong>Рис. 3c.</strong> Торговля.</p></figcaption></figure>
<figure id="table-1"><table><tr><td>1</td></tr></table><figcaption><p><strong>Таблица 1.</strong> Доли.</p></figcaption></figure>
<section id="exercises"><h2>Exercises</h2>
<div class="exercise" id="ex-1"><p>Redraw Figure 3 for 2010–2024.</p></div>
<div class="solution"><p>Solution to Exercise 1</p></div>
<div class="exercise" id="ex-2"><p>По данным таблицы 1 и рис. 3c найдите год.</p></div>
</section><section id="discussion"><h2>Discussion</h2><ol><li>Why?</li></ol></section>
</article></main></body></html>"""


def test_an_exercise_names_figures_and_tables_in_either_language():
    shown = figures_of({"chapters/x.html": BeautifulSoup(PAGE, "html.parser")})
    assert [(item.kind, item.number) for item in shown] == [("figure", "3"), ("figure", "3c"), ("table", "1")]
    named = lambda text: [item.number for item in named_in(text, shown)]  # noqa: E731
    assert named("Redraw Figure 3 for 2010–2024.") == ["3"], "Figure 3, not Figure 3c"
    assert named("По данным таблицы 1 и рис. 3c найдите год.") == ["3c", "1"]
    assert named("Figure 30, Table 1a and table 12") == [], "a number is a whole number"


def test_a_sheet_keeps_the_exercises_the_figures_they_name_and_the_discussion():
    soup = BeautifulSoup(PAGE, "html.parser")
    shown = figures_of({"chapters/x.html": soup})
    student = sheet(soup, STUDENT, shown, "Exercises, without solutions")
    article = student.select_one("article")
    assert "Prose the sheet leaves out" not in article.get_text() and "Solution to" not in article.get_text()
    assert [tag.get("id") for tag in article.select(".exercise, figure")] == ["ex-1", "fig-3", "ex-2", "fig-3c", "table-1"]
    assert article.select_one(".bt-sheet-kind").get_text() == "Exercises, without solutions" and article.select_one("#discussion li")
    assert "Solution to" in sheet(soup, TEACHER, shown, "with solutions").get_text()
    assert "Prose the sheet leaves out" in soup.get_text(), "the page itself is left as it was"
    no_exercises = BeautifulSoup(PAGE.replace('id="exercises"', 'id="other"'), "html.parser")
    assert sheet(no_exercises, STUDENT, shown, "x") is None

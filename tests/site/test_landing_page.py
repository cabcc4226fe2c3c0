"""The site's `index.html` is the first page itself (`belarus_trade.site.landing_page`, issue 11):
its relative URLs re-based for the site's top folder, everything else as it was. That the built
landing page opens in a browser is test_accessibility.py's."""
from __future__ import annotations

from belarus_trade.site.landing_page import move_to_top

PAGE = """<html data-content_root="../"><head>
<link href="../_static/styles/theme.css?digest=55c2" rel="stylesheet" />
<script defer="defer" src="../_static/documentation_options.js?v=9eb3"></script></head>
<body><a href="multivector.html#figure-1">Figure 1</a> <a href="#exercises">below</a> <a href="./">here</a>
<a href="../ru/chapters/introduction.html" hreflang="ru">Русский</a> <a href="https://www.imf.org/">IMF</a>
<a href="mailto:book@example.org">mail</a> <img src="data:image/svg+xml;base64,PHN2Zz4=" alt="">
<a href="/absolute.html">top</a> <form action="../search.html"></form> <a href="?q=1">query</a> <a href="">empty</a>
<a title="multivector.html">a title is not a URL</a></body></html>"""


def test_relative_urls_are_rebased_and_nothing_else_changes():
    page = move_to_top(PAGE, "chapters")
    expected = (PAGE.replace('data-content_root="../"', 'data-content_root="./"')
                .replace('href="../_static/styles/', 'href="_static/styles/').replace('src="../_static/', 'src="_static/')
                .replace('href="multivector.html#', 'href="chapters/multivector.html#').replace('href="./"', 'href="chapters/"')
                .replace('href="../ru/chapters/', 'href="ru/chapters/').replace('action="../search.html"', 'action="search.html"'))
    assert page == expected


def test_a_page_of_the_top_folder_stays_as_it_is():
    top = PAGE.replace("../", "")
    assert move_to_top(top, "") == top

"""Text a data file may hold that must reach every page as text: shared by the tests of the chart
policy and of the What changed page."""

# Markup of every kind the pipeline parses (MyST roles and directives, Markdown links and images,
# HTML entities, Jinja and format strings, LaTeX, spreadsheet formulas), each on one line: the
# schema refuses newlines, controls and angle brackets before anything runs (test_bad_inputs).
HOSTILE = [
    "{download}`../../../../../../etc/passwd`",
    "![pixel](https://example.invalid/pixel.png)",
    "[click](javascript:alert(document.domain))",
    "```{raw} html",
    ":::{include} /etc/passwd",
    "{eval}`__import__('pathlib').Path('PWNED').touch()`",
    "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#60;b&#62;",
    "$$\\href{javascript:alert(1)}{x}$$ {{ config.project }} %(name)s {0}",
    "=HYPERLINK(\"https://example.invalid\",\"x\")",
    "\\u003c/script\\u003e 'quoted, \"with\" commas'",
    "{ref}`fig-6c` {cite}`nobody_2099` [^1] [[wiki]]",
    "x" * 400,
]

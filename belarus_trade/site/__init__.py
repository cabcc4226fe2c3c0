"""Stage 5, site: what Sphinx makes of the executed chapters, and the site served to browsers.

`render` runs one language's Sphinx in its own process; `sphinx_ext` places the chart policy's
figures, the prose's stored numbers and the exercises, and makes the pages light (`icons`
replaces the icon font); `gost` is the Russian edition's bibliography style; `templates` and
`static` are the theme's additions; `server` serves the built site locally, gzipped, for the
browser tests, the PDF and the audit.
"""

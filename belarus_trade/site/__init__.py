"""Stage 5, site: what Sphinx makes of the executed chapters, and the site served to browsers.

`render` runs one language's Sphinx in its own process, with the book's one extension,
`extension`, which wires the parts, each a module named after what it is for: `figures` (the
chart policy's figures, their captions and numbers), `citation_panel` and `figure_parts` (each
figure's "Cite or download" panel, and the book's citation), `stored_numbers` (the prose's numbers),
`exercises`, `language` and `language_links` (each language's words and the links between them),
`bibliography` (with `gost`, the Russian book's style), `descriptions`, `snapshot_line`, `assets`
and `light_pages` (what a page loads; `icons` replaces the icon font) and `landing_page`.
`templates` and `static` are the theme's additions; `server` serves the built site locally,
gzipped, for the browser tests, the PDF and the audit.
"""

"""Stage 3, chapters: what a chapter notebook in `book/chapters/` is written with.

One module per notebook of the same name holds that chapter's computations (frames and numbers
the cells call, so they can be tested); `charts` is the book's one chart policy (theme, source
line, CSV, text alternative, three renderings) and `prose` the numbers a chapter's Markdown
writes as `{eval}` expressions. Prose lives in the notebooks and each figure's Altair code in its
cell.
"""

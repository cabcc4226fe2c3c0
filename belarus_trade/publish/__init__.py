"""Stage 6, publish: what leaves the project for readers, teachers and later books.

`editions` records a built book as a numbered edition (data hashes, every number of the prose)
and `what_changed` renders the differences on the book's What changed page; `student` writes the
student kit, `notebooks` the chapters as notebooks in a translated language, `pdf` the printed
book; `owned` keeps what teachers wrote in those folders from being overwritten.
"""

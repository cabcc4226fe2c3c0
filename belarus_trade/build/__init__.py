"""Stage 4, build: from chapters and data to an executed, rendered book, atomically.

`pipeline.build` validates the data, re-executes each chapter whose input key changed, renders
every language with Sphinx and swaps the new site in only when all of it succeeded. Each job has
its module:

    book          the table of contents, a chapter's notebook, where each language's run is kept
    files         a file replaced in one rename, the site in one symlink swap
    keys          what a chapter's run depends on (the modules it imports, its data, its prose)
    execution     papermill in a kernel shared by a chapter's languages, chapters in forked workers
    engine        the papermill engine that evaluates the prose's `{eval}` numbers
    rendering     one Sphinx per language, reading a mirror of the book for a translation
    parameters    a chapter's parameters and years, checked before anything runs
    windows       the book for another window of years, built beside it
    lock          one build of a book at a time
    unchanged     a build with nothing to do stops before importing anything heavy
    catalogues    the translators' catalogues, checked before the render reads them
    translations  `make translations`: the messages extracted and merged into the catalogues

Here: the error every step raises, so a caller catches one kind.
"""


class BuildError(RuntimeError):
    """A build step failed; the message is one line and the last good book is untouched."""

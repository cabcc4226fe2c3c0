"""Stage 4, build: from chapters and data to an executed, rendered book, atomically.

The build validates the data, re-executes each chapter whose input key changed (papermill with
the `engine` that evaluates the prose's numbers), renders every language with Sphinx and swaps
the new site in only when all of it succeeded. `unchanged` lets a build with nothing to do stop
before importing anything heavy; `catalogues` and `translations` check and extract the
translators' catalogues the render reads.
"""

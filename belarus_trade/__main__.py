"""Command line: `python -m belarus_trade {build,window,validate,record,import-shared,refresh,publish,student,notebooks,pdf,handouts,bench,translations}`.

The words: an *edition* is a published, numbered version of the book (`publish`); a *window* is the
years a build covers (`window`; `edition` is its old name, still accepted); a *language* is the
book in English or Russian; the *student kit* is the notebooks without solutions (`student`).

Errors are reported as one line on stderr with exit status 1, never as a traceback: the
analyst needs to know which file, row and column to fix, not where the code noticed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m belarus_trade", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="validate data, execute changed chapters, render the HTML book")
    build.add_argument("--force", action="store_true", help="re-execute every chapter and re-render")
    build.add_argument("--jobs", type=int, default=2, help="chapters executed in parallel (default 2)")
    build.add_argument("--data-dir", type=Path, default=None, help="data folder (default: data/)")
    window = commands.add_parser("window", aliases=["edition"], help="build the book for another window of years beside it (committed notebooks untouched)")
    window.add_argument("--start-year", type=int)
    window.add_argument("--end-year", type=int)
    window.add_argument("--data-dir", type=Path, default=None, help="data folder (default: data/)")
    window.add_argument("--output", type=Path, required=True, help="folder for the window's book (its HTML lands in OUTPUT/book/_build/html)")
    commands.add_parser("validate", help="validate every data file against the manifest").add_argument(
        "--data-dir", type=Path, default=None)
    record = commands.add_parser("record", help="accept an intentional change to a data file (new sha256, coverage)")
    record.add_argument("file", help="file name inside the data folder")
    record.add_argument("--retrieved", help="retrieval date to record (YYYY-MM-DD)")
    imports = commands.add_parser("import-shared", help="rebuild the snapshot from the shared reference extracts")
    imports.add_argument("shared_data", type=Path)
    commands.add_parser("bench", help="time clean and no-op builds and bare execution; weigh the page")
    commands.add_parser("student", help="write the student kit (solutions removed) to student/, the Russian one to student/ru/")
    notebooks = commands.add_parser("notebooks", help="write the notebooks in a translated language (Markdown translated, outputs from its run)")
    notebooks.add_argument("language", choices=["ru"], help="the language")
    commands.add_parser("pdf", help="print the built book to PDF with headless Chromium (book/_build/pdf)")
    commands.add_parser("handouts", help="print the exercise sheets, with and without solutions (book/_build/handouts)")
    refresh = commands.add_parser("refresh", help="fetch every series from its publisher; replace a file only if it validates")
    refresh.add_argument("--dry-run", action="store_true", help="print each candidate's diff against the snapshot and change nothing")
    commands.add_parser("publish", help="record the current build as the next published edition (book/editions/)")
    commands.add_parser("translations", help="extract the English text into the gettext catalogues of book/locales and report their state")
    args = parser.parse_args(argv)
    if args.command == "build" and args.jobs < 1:  # refused before the no-op check, which would accept it
        print(f"error: jobs {args.jobs}: at least one chapter must run at a time", file=sys.stderr)
        return 1
    if args.command == "build" and not args.force and _unchanged_since_last_build(args.data_dir):
        print("book is up to date")
        return 0

    from belarus_trade.analysis.methods import ParameterError
    from belarus_trade.build import BuildError
    from belarus_trade.data.manifest import DataError

    try:
        return _run(args)
    except (BuildError, DataError, ParameterError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _unchanged_since_last_build(data_dir: Path | None) -> bool:
    """The no-op path: nothing the last build read has changed (`unchanged`), checked before the
    build's own imports (pandas, the data, the chapters' Markdown) cost a second."""
    from belarus_trade import BOOK_DIR, DATA_DIR
    from belarus_trade.build.unchanged import up_to_date

    return up_to_date(BOOK_DIR, data_dir.resolve() if data_dir else DATA_DIR, {"parameters": {}})


def _run(args) -> int:
    if args.command == "build":
        from belarus_trade.build.pipeline import build

        build(data_dir=args.data_dir, jobs=args.jobs, force=args.force)
    elif args.command in ("window", "edition"):
        from belarus_trade.build.windows import build_window

        parameters = {k: v for k, v in (("start_year", args.start_year), ("end_year", args.end_year)) if v is not None}
        site = build_window(args.output.resolve(), parameters, args.data_dir)
        print(f"window ready: {site / 'index.html'}")
    elif args.command == "validate":
        from belarus_trade.data.manifest import PENDING_KEY, read_manifest
        from belarus_trade.data.validation import validate_package

        checked = validate_package(args.data_dir)
        pending = [r["path"] for r in read_manifest(args.data_dir).get(PENDING_KEY, [])]
        waiting = f"; not fetched yet (`make refresh` when online): {', '.join(pending)}" if pending else ""
        print(f"ok: {len(checked)} files match their schema and checksum{waiting}")
    elif args.command == "record":
        from belarus_trade.data.snapshot import record

        descriptor = record(args.file, retrieved=args.retrieved)
        print(f"recorded {args.file}: {descriptor['hash']}")
    elif args.command == "import-shared":
        from belarus_trade.data.snapshot import import_reference_extracts

        print("imported:", ", ".join(import_reference_extracts(args.shared_data)))
    elif args.command == "student":
        from belarus_trade import PROJECT_ROOT
        from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE
        from belarus_trade.publish.student import write_student_kit

        for language in LANGUAGES:
            output = PROJECT_ROOT / "student" if language == SOURCE_LANGUAGE else PROJECT_ROOT / "student" / language
            print(f"student kit ({language}): {write_student_kit(output, language=language).report()}")
    elif args.command == "notebooks":
        from belarus_trade.publish.notebooks import notebooks_dir, write_notebooks

        print(f"the {args.language} notebooks: {write_notebooks(args.language, notebooks_dir(args.language)).report()}")
    elif args.command == "pdf":
        from belarus_trade import BUILD_DIR
        from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE
        from belarus_trade.publish.pdf import print_book

        for language in LANGUAGES:
            output = BUILD_DIR / "pdf" if language == SOURCE_LANGUAGE else BUILD_DIR / "pdf" / language
            print(f"PDF ready ({language}): {print_book((BUILD_DIR / 'html').resolve(), output, language=language)}")
    elif args.command == "handouts":
        from belarus_trade import BUILD_DIR
        from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE
        from belarus_trade.publish.handouts import print_handouts

        for language in LANGUAGES:
            output = BUILD_DIR / "handouts" if language == SOURCE_LANGUAGE else BUILD_DIR / "handouts" / language
            written = print_handouts((BUILD_DIR / "html").resolve(), output, language=language)
            print(f"handouts ready ({language}): {len(written)} PDFs in {output}")
    elif args.command == "refresh":
        from belarus_trade.data.refresh import refresh, summary

        line, status = summary(refresh(dry_run=args.dry_run), dry_run=args.dry_run)
        print(line, file=sys.stderr if status else sys.stdout)
        return status
    elif args.command == "translations":
        from belarus_trade.build.translations import main as translations

        translations()
    elif args.command == "publish":
        from belarus_trade.build.pipeline import build
        from belarus_trade.publish.bundle import write_bundle
        from belarus_trade.publish.citation import write_citation_file
        from belarus_trade.publish.editions import editions_dir, keep_pages, publish_edition

        published = publish_edition()
        build()  # the pages now cite this edition and say what it changed: those are the pages kept
        print(f"published edition {published['edition']} of {published['date']} "
              f"(data snapshot {published['snapshot']}, {len(published['numbers'])} numbers in the prose) in {editions_dir()}; "
              f"its pages kept in {keep_pages().name}, what rebuilds it in {write_bundle().name}; "
              f"{write_citation_file().name} cites it")
    elif args.command == "bench":
        from belarus_trade.checks.bench import main as bench

        bench()
    return 0


if __name__ == "__main__":
    sys.exit(main())

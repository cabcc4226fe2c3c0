"""The living book on Belarus–Russia trade, 2000–2024, in stages that import only downwards:

    i18n      the book's languages: messages, plural forms, numbers written the reader's way
    data      the snapshot: manifest, validated loading, publishers' APIs, refresh, diffs
    analysis  the article's methods as tested functions
    chapters  what a chapter notebook is written with: its computations, the chart policy, prose numbers
    build     execute what changed, render every language, swap the site in atomically
    site      Sphinx's side: figures, numbers, exercises, light pages, bibliography, local server
    publish   numbered editions, What changed, the student kit, translated notebooks, the PDF
    checks    bench and audit: how fast and how heavy the book is

Here: where the project's parts live, so chapters, tests and the build agree without guessing.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
BOOK_DIR = PROJECT_ROOT / "book"
CHAPTERS_DIR = BOOK_DIR / "chapters"
BUILD_DIR = BOOK_DIR / "_build"

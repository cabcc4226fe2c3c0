"""Where the project's parts live, so chapters, tests and the build agree without guessing."""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
BOOK_DIR = PROJECT_ROOT / "book"
CHAPTERS_DIR = BOOK_DIR / "chapters"
BUILD_DIR = BOOK_DIR / "_build"

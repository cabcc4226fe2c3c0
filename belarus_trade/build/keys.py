"""When a chapter must run again, and when the site must render again: input keys.

A chapter's key covers its code cells, the `{eval}` expressions of its prose, its parameters,
every data file it declares it reads (`READS` in its module, which its context enforces) with
that file's manifest entry, the package modules it imports (traced through the package's own
imports, so an edit elsewhere re-executes nothing) and the pinned environment. So a changed data
file re-executes exactly the chapters that read it, and nothing else does; and the key is known
before a chapter runs. The site's stamp covers everything the HTML depends on.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import json
import re
from pathlib import Path

from belarus_trade import PROJECT_ROOT
from belarus_trade.build import BuildError
from belarus_trade.build.book import INJECTED_TAG, Chapter, executed_copy, in_language, read_notebook, stored_state, translated_source
from belarus_trade.chapters.prose import inline_expressions
from belarus_trade.data.manifest import MANIFEST_NAME, PENDING_KEY
from belarus_trade.i18n import LANGUAGES, SOURCE_LANGUAGE, catalogue_path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def environment_fingerprint() -> str:
    """The pinned environment: a change to it can change any output."""
    return sha256_text((PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8"))


def package_fingerprint() -> str:
    """The whole package (the Sphinx extension and chart policy included) and the environment:
    what the rendered HTML depends on besides book sources and data."""
    digest = hashlib.sha256(environment_fingerprint().encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def language_fingerprint(fingerprint: str, language: str) -> str:
    """A translated chapter's output also depends on the catalogue of the text its code writes."""
    if language == SOURCE_LANGUAGE:
        return fingerprint
    path = catalogue_path(language)
    return sha256_text(fingerprint + (path.read_text(encoding="utf-8") if path.exists() else ""))


def imported_modules(code: str) -> set[str]:
    """The `belarus_trade` modules a piece of code imports (lazy imports inside functions too)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a cell with IPython syntax: read its import lines only
        lines = [line for line in code.splitlines() if re.match(r"\s*(from|import)\s+belarus_trade", line)]
        tree = ast.parse("\n".join(line.strip() for line in lines))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "belarus_trade"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "belarus_trade":
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _module_file(name: str) -> Path | None:
    parts = name.split(".")[1:]
    if not parts:
        return PACKAGE_DIR / "__init__.py"
    for candidate in (PACKAGE_DIR.joinpath(*parts[:-1], parts[-1] + ".py"), PACKAGE_DIR.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
    return ".".join(("belarus_trade",) + (parts[:-1] if parts[-1] == "__init__" else parts))


def module_closure(notebook: dict) -> list[Path]:
    """Every package file a chapter's execution can depend on: the modules its code imports, what
    they import in turn (relative imports resolved), their parent packages, and the engine that
    stores the prose's numbers."""
    pending = imported_modules(code_of(notebook)) | {"belarus_trade", "belarus_trade.build.engine"}
    files: set[Path] = set()
    while pending:
        name = pending.pop()
        path = _module_file(name)
        if path is None or path in files:
            continue
        files.add(path)
        package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
        status = path.stat()
        pending |= {package} | _imports_of_module(path, package, status.st_mtime_ns, status.st_size)
    return sorted(files)


@functools.lru_cache(maxsize=256)
def _imports_of_module(path: Path, package: str, mtime_ns: int, size: int) -> frozenset[str]:
    """The package modules one module imports, relative imports resolved; parsed once per version
    of the file (a build asks for every chapter in every language)."""
    source = path.read_text(encoding="utf-8")
    found = set(imported_modules(source))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
            module = f"{base}.{node.module}" if node.module else base
            found |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return frozenset(found)


def code_of(notebook: dict) -> str:
    """What execution depends on: each code cell, and the `{eval}` expressions of each Markdown
    cell in their place between them (prose around an unchanged expression needs no run)."""
    parts = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            continue  # papermill's copy of the parameters, which the key holds already
        if cell["cell_type"] == "code":
            parts.append(source)
        elif cell["cell_type"] == "markdown" and (expressions := _inline_expressions(source)):
            parts.append("# --- inline expressions ---\n" + "\n".join(expressions))
    return "\n# --- cell ---\n".join(parts)


@functools.lru_cache(maxsize=4096)
def _inline_expressions(markdown: str) -> tuple[str, ...]:
    """A Markdown cell's `{eval}` expressions, parsed once per text: a build asks for every
    chapter's key in every language, and a chapter's languages share its Markdown."""
    return tuple(inline_expressions(markdown))


def input_key(notebook: dict, parameters: dict, data_dir: Path, reads: list[str], fingerprint: str) -> str:
    """Code, parameters, the environment `fingerprint`, the package modules the chapter imports
    (an edit elsewhere in the package re-executes nothing), and each data file read with its
    manifest entry (so a new retrieval date re-executes the chapters that show it). A translated
    language's run also keys on the prose: its executed copy carries the English Markdown that
    Sphinx translates, so a prose-only edit must reach it."""
    digest = hashlib.sha256()
    digest.update(code_of(notebook).encode())
    if parameters.get("language", SOURCE_LANGUAGE) != SOURCE_LANGUAGE:
        digest.update("".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown").encode())
    for path in module_closure(notebook):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    descriptors = _descriptors_by_path(data_dir)
    for name in sorted(reads):
        path = data_dir / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
        digest.update(json.dumps(descriptors.get(name), sort_keys=True).encode())
    digest.update(fingerprint.encode())
    return digest.hexdigest()


def declared_reads(notebook_path: Path, data_dir: Path) -> list[str]:
    """The data files a chapter declares it reads, relative to the data folder: `READS` of its
    module `belarus_trade/chapters/NAME.py`, read from the source (nothing runs), each resource
    mapped to its file by the manifest (a series only a refresh brings included, held or not);
    `MANIFEST` is the manifest itself. A notebook with no module of its name reads no data: only
    a chapter's context loads data, and a context needs the module's declaration."""
    module = PACKAGE_DIR / "chapters" / f"{notebook_path.stem}.py"
    if not module.is_file():
        return []
    names = _declaration(module)
    if names is None:
        raise BuildError(f"{module.relative_to(PACKAGE_DIR.parent)}: no READS, the data the chapter reads, is declared there")
    manifest = data_dir / MANIFEST_NAME
    entries = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    paths = {r["name"]: r["path"] for r in entries.get("resources", []) + entries.get(PENDING_KEY, [])}
    unknown = [name for name in names if name != MANIFEST_NAME and name not in paths]
    if unknown:
        raise BuildError(f"{module.relative_to(PACKAGE_DIR.parent)}: READS names {unknown[0]!r}, which {manifest} does not list")
    return sorted({MANIFEST_NAME if name == MANIFEST_NAME else paths[name] for name in names})


@functools.lru_cache(maxsize=64)
def _declaration_of(path: Path, mtime_ns: int, size: int) -> tuple[str, ...] | None:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["READS"]:
            if not isinstance(node.value, (ast.Tuple, ast.List)):
                return None
            return tuple(MANIFEST_NAME if isinstance(e, ast.Name) and e.id == "MANIFEST" else ast.literal_eval(e)
                         for e in node.value.elts)
    return None


def _declaration(path: Path) -> tuple[str, ...] | None:
    status = path.stat()
    return _declaration_of(path, status.st_mtime_ns, status.st_size)


def _descriptors_by_path(data_dir: Path) -> dict:
    manifest = data_dir / "datapackage.json"
    if not manifest.exists():
        return {}
    return {r.get("path"): r for r in json.loads(manifest.read_text(encoding="utf-8")).get("resources", [])}


def stale_chapters(chapter_list, data_dir: Path, parameters: dict, fingerprint: str,
                   language: str = SOURCE_LANGUAGE, book_dir: Path | None = None) -> list[Chapter]:
    """Chapters whose copy executed in `language` is missing or was executed from other inputs."""
    stale = []
    for chapter in chapter_list:
        executed = executed_copy(chapter, book_dir or chapter.path.parent.parent, language)
        state = stored_state(read_notebook(executed)) if executed.exists() else {}
        key = input_key(read_notebook(chapter.path), in_language(parameters, language), data_dir, declared_reads(chapter.path, data_dir),
                        language_fingerprint(fingerprint, language))
        if state.get("input_key") != key:
            stale.append(chapter)
    return stale


def site_stamp(book_dir: Path, data_dir: Path, fingerprint: str) -> str:
    """Everything the HTML depends on: book sources (chapters included), catalogues, the chapters
    executed in each translated language, data, package, environment."""
    digest = hashlib.sha256(fingerprint.encode())
    translated = [translated_source(book_dir, language) / "chapters" for language in LANGUAGES if language != SOURCE_LANGUAGE]
    for root in (book_dir, data_dir, *translated):
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            if (path.is_file() and "_build" not in path.relative_to(root).parts and ".ipynb_checkpoints" not in path.parts
                    and path.suffix != ".mo"):  # Sphinx compiles the catalogues next to them
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()

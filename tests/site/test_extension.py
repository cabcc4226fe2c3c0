"""The book's one Sphinx extension (`belarus_trade.site.extension`) wires every part of the site
stage that hooks into Sphinx, and the book loads it and the What changed extension, which the
render imports beforehand."""
from __future__ import annotations

import importlib
import pkgutil

import yaml

from belarus_trade import BOOK_DIR, site
from belarus_trade.site import extension, render


def test_every_part_with_hooks_is_wired_once():
    parts = [importlib.import_module(f"belarus_trade.site.{info.name}") for info in pkgutil.iter_modules(site.__path__)]
    with_hooks = {part.__name__ for part in parts if callable(getattr(part, "register", None))}
    assert sorted(part.__name__ for part in extension.PARTS) == sorted(with_hooks)


def test_the_book_loads_the_extension_and_the_render_imports_it_beforehand():
    config = yaml.safe_load((BOOK_DIR / "_config.yml").read_text(encoding="utf-8"))
    extensions = config["sphinx"]["extra_extensions"]
    assert extensions.index("belarus_trade.site.extension") < extensions.index("sphinx_exercise")  # its catalogue first
    assert "belarus_trade.publish.what_changed" in extensions
    assert set(extensions) <= set(render.EXTENSIONS)

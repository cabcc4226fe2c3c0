"""Where the installed package's entry point (`myst_nb.mime_renderers`) still finds the figure
renderer until `pyproject.toml` names `belarus_trade.site.figures:FigureMimeRenderer` and the
package is reinstalled; then this module goes. The book's extension is `extension`."""
from belarus_trade.site.figures import FigureMimeRenderer

__all__ = ["FigureMimeRenderer"]

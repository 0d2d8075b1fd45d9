"""Local Sphinx extension: serve MathJax from the built book, so that it reads offline.

Sphinx loads MathJax from a CDN by default, so a book built on a train shows raw TeX. ``_config.yml``
points ``mathjax_path`` at ``_static/mathjax/tex-mml-chtml.js``, and this extension copies MathJax 3
there when the HTML build finishes, from the ``django-static-mathjax`` package pinned in
requirements.txt (MathJax 3.2.2's ``es5`` build). Only what ``tex-mml-chtml.js`` loads is copied: the
component itself, the input and output code it loads on demand (TeX extensions, CHTML fonts), the menu
and the accessibility code (with the speech-rule engine the menu's explorer asks for): about 10 MB
instead of the 24 MB of every MathJax combination.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

DISTRIBUTION = "django-static-mathjax"
ES5 = "mathjax/static/mathjax/es5"
COMPONENT = "tex-mml-chtml.js"
LOADED_ON_DEMAND = ("input", "output", "ui", "a11y", "sre", "adaptors")
TARGET = Path("_static") / "mathjax"


def mathjax_es5() -> Path:
    """The es5 directory of the pinned MathJax distribution."""
    try:
        es5 = Path(importlib.metadata.distribution(DISTRIBUTION).locate_file(ES5))
    except importlib.metadata.PackageNotFoundError:
        raise ExtensionError(f"{DISTRIBUTION} is not installed: run `make setup`") from None
    if not (es5 / COMPONENT).is_file():
        raise ExtensionError(f"no {COMPONENT} in {es5}: {DISTRIBUTION} changed its layout")
    return es5


def _copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    es5, target = mathjax_es5(), Path(app.outdir) / TARGET
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(es5 / COMPONENT, target / COMPONENT)
    for directory in LOADED_ON_DEMAND:
        shutil.copytree(es5 / directory, target / directory, dirs_exist_ok=True)


def _check_mathjax_path(app, config) -> None:
    expected = f"{TARGET.name}/{COMPONENT}"
    if config.mathjax_path != expected:
        raise ExtensionError(f"set mathjax_path: {expected} in _config.yml (found {config.mathjax_path!r})")


def setup(app):
    app.connect("config-inited", _check_mathjax_path)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

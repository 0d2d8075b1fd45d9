"""The book's figures: one style, one palette, and helpers to plot a loss beside its gradient.

Figures are PNG at a modest resolution (nbval does not compare images; small PNGs keep notebooks light).
Call :func:`use_book_style` once at the top of a chapter; matplotlib is imported on first use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

PALETTE = ("#1f5f8b", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f")
"""Colour-blind-friendly colours, in the order curves are drawn."""

STYLE = {
    "figure.figsize": (7.0, 3.0),
    "figure.dpi": 96,
    "savefig.dpi": 96,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "font.size": 10,
}


def use_book_style() -> None:
    """Apply the book's matplotlib style and ask Jupyter for PNG figures."""
    import matplotlib as mpl
    from matplotlib import cycler

    mpl.rcParams.update(STYLE)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=list(PALETTE))
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # outside Jupyter there is nothing to configure
        return
    set_matplotlib_formats("png")


def loss_and_gradient(
    x: Sequence[float] | Any,
    curves: Mapping[str, tuple[Any, Any]],
    *,
    xlabel: str,
    loss_label: str = r"loss $\ell$",
    gradient_label: str = r"gradient $\partial\ell/\partial x$",
    title: str | None = None,
):
    """Two panels side by side: each curve's loss (left) and gradient (right) against ``x``.

    ``curves`` maps a legend label to ``(loss values, gradient values)`` on the grid ``x``.
    Returns the figure; the caller ends the cell with ``plt.show()``.
    """
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_grad) = plt.subplots(1, 2, constrained_layout=True)
    for label, (loss, grad) in curves.items():
        ax_loss.plot(x, loss, label=label)
        ax_grad.plot(x, grad, label=label)
    ax_loss.set(xlabel=xlabel, ylabel=loss_label)
    ax_grad.set(xlabel=xlabel, ylabel=gradient_label)
    ax_grad.axhline(0.0, color="0.5", linewidth=0.8)
    ax_loss.legend()
    if title:
        fig.suptitle(title)
    return fig

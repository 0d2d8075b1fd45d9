"""Benchmark: lossbook's torch path against ``torch.nn.functional``, forward and backward, on the CPU.

Run with ``make bench`` (not part of ``make test``: a timing is a measurement, not a pass/fail check).
For each loss and dtype it times one training step's worth of work, the loss of a batch and its
gradient with respect to the input (``loss.backward()``), with one torch thread, alternating lossbook
and PyTorch so that both see the same machine load, and prints the medians and their ratio. DESIGN.md
asks for lossbook within about 3x of PyTorch's fused kernels, at the sizes used here.

Usage: ``python tests/bench_torch_path.py [--repeats N] [--dtype float32|float64|both]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("KERAS_BACKEND", "torch")

import torch
import torch.nn.functional as F

from lossbook import torch_compat

SIZE = 10**6
ROWS, CLASSES = 10**4, 100


def inputs(name: str, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded inputs of the issue's sizes: 10^6 elements, or 10^4 rows of 100 classes."""
    generator = torch.Generator().manual_seed(0)
    if name in ROW_LOSSES:
        logits = torch.randn(ROWS, CLASSES, generator=generator, dtype=dtype) * 3
        if name == "multilabel_soft_margin_loss":
            return logits, torch.rand(ROWS, CLASSES, generator=generator, dtype=dtype)
        return logits, torch.randint(0, CLASSES, (ROWS,), generator=generator)
    x = torch.randn(SIZE, generator=generator, dtype=dtype) * 3
    target = torch.rand(SIZE, generator=generator, dtype=dtype)
    if name == "binary_cross_entropy":
        x = torch.sigmoid(x).clamp(1e-3, 1 - 1e-3)
    if name == "soft_margin_loss":
        target = torch.where(target < 0.5, -1.0, 1.0).to(dtype)
    return x, target


ROW_LOSSES = ("cross_entropy", "multi_margin_loss", "multilabel_soft_margin_loss")
LOSSES = (
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy",
    "cross_entropy",
    "mse_loss",
    "huber_loss",
    "smooth_l1_loss",
    "soft_margin_loss",
    "multi_margin_loss",
    "multilabel_soft_margin_loss",
)


def step(function: Callable, x: torch.Tensor, target: torch.Tensor) -> Callable[[], None]:
    def run() -> None:
        leaf = x.detach().requires_grad_()
        function(leaf, target).backward()

    return run


def median_ms(ours: Callable[[], None], theirs: Callable[[], None], repeats: int) -> tuple[float, float]:
    for _ in range(3):  # warm-up: first calls allocate and import
        ours()
        theirs()
    times_ours, times_theirs = [], []
    for _ in range(repeats):
        for run, times in ((ours, times_ours), (theirs, times_theirs)):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times_ours), 1e3 * statistics.median(times_theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=25)
    parser.add_argument("--dtype", choices=("float32", "float64", "both"), default="both")
    args = parser.parse_args()
    torch.set_num_threads(1)
    dtypes = ("float32", "float64") if args.dtype == "both" else (args.dtype,)
    print(f"torch {torch.__version__}, 1 thread; forward + backward, median of {args.repeats} runs")
    print(f"{'loss':36} {'size':>10} {'dtype':>8} {'PyTorch':>9} {'lossbook':>9} {'ratio':>6}")
    for name in LOSSES:
        for dtype_name in dtypes:
            x, target = inputs(name, getattr(torch, dtype_name))
            ours = step(getattr(torch_compat, name), x, target)
            theirs = step(getattr(F, name), x, target)
            ours_ms, theirs_ms = median_ms(ours, theirs, args.repeats)
            size = f"{ROWS}x{CLASSES}" if name in ROW_LOSSES else f"{SIZE:.0e}"
            print(
                f"{name:36} {size:>10} {dtype_name:>8} {theirs_ms:8.2f}ms {ours_ms:8.2f}ms "
                f"{ours_ms / theirs_ms:5.1f}x"
            )


if __name__ == "__main__":
    main()

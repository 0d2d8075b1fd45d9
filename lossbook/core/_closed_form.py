"""Closed-form gradients, tied into torch autograd.

Autograd differentiates the code it is given, one elementary operation at a time. For the stable
formulas of core that is slow: softplus alone is five operations, the exact log-sum-exp a few dozen,
and autograd stores and revisits every intermediate. Where the derivative of a loss is known in
closed form (:math:`\\sigma(z) - y` for binary cross-entropy on a logit, :math:`\\operatorname{softmax}(z)
- y` for softmax cross-entropy), :func:`closed_form_gradient` lets autograd use it instead: the loss is
evaluated once, without recording, and its backward pass evaluates the derivative, itself written with
core's stable functions, so it is as accurate as the loss.

The derivatives are ordinary array code, so autograd records them when asked for second derivatives
(``create_graph=True``, ``torch.autograd.functional.hessian``), and the forward-mode rule (``jvp``)
and the batching rule (``generate_vmap_rule``) make the functions work under ``torch.func.hessian``,
``jacfwd`` and ``vmap`` too. NumPy input is computed directly; torch is imported only when a torch
tensor arrives.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from array_api_compat import is_array_api_obj

from lossbook._arrays import is_torch, namespace


def closed_form_gradient(
    *, summed_axis: int | str | None = None, **partials: Callable[..., Any]
) -> Callable[[Callable], Callable]:
    """Decorate a loss with its partial derivatives, one function per differentiable argument.

    Each partial derivative takes the loss's arguments and returns :math:`\\partial\\ell/\\partial x` for
    every element, shaped like the arguments broadcast together. For a loss that sums over an axis
    (the classes of a cross-entropy), ``summed_axis`` is that axis, or the name of the argument that
    holds it, and the derivatives keep it. The decorated loss computes the same values; with torch
    tensors, its autograd gradient is the partial derivative times the incoming gradient, summed back
    to each argument's shape.
    """

    def decorate(loss: Callable) -> Callable:
        signature = inspect.signature(loss)

        @functools.wraps(loss)
        def loss_with_closed_form_gradient(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            # A clear TypeError for no array at all, or for NumPy mixed with torch (a NumPy scalar such
            # as ``-x`` of a 0-d array counts as NumPy).
            arrays = [value for value in bound.arguments.values() if is_array_api_obj(value)]
            namespace(*(arrays or bound.arguments.values()))
            if not is_torch(arrays[0]):
                return loss(*args, **kwargs)
            bound.apply_defaults()
            names = tuple(bound.arguments)
            axis = bound.arguments[summed_axis] if isinstance(summed_axis, str) else summed_axis
            rule = _Rule(loss, partials, names, axis)
            return _autograd_function().apply(rule, *bound.arguments.values())

        loss_with_closed_form_gradient.partials = partials
        return loss_with_closed_form_gradient

    return decorate


class _Rule:
    """What the autograd function needs to know about one call: the loss, its partial derivatives,
    the names of its arguments in order, and the axis it sums over (``None`` for a per-element loss)."""

    def __init__(self, loss: Callable, partials: dict[str, Callable], names: tuple[str, ...], axis):
        self.loss, self.partials, self.names, self.axis = loss, partials, names, axis

    def partial(self, name: str) -> Callable:
        try:
            return self.partials[name]
        except KeyError:
            raise NotImplementedError(
                f"no closed-form derivative with respect to `{name}` is defined for {self.loss.__name__}"
            ) from None

    def align(self, grad_output: Any, ndim: int) -> Any:
        """The incoming gradient with the summed axis put back, so that it broadcasts against a
        derivative of ``ndim`` axes."""
        return grad_output if self.axis is None else grad_output.unsqueeze(self.axis % ndim)

    def contract(self, x: Any) -> Any:
        """Sum a derivative times a tangent over the summed axis (forward mode)."""
        return x if self.axis is None else x.sum(dim=self.axis % x.ndim)


def _sum_to_shape(x: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``x`` over the axes that broadcasting added to an argument of ``shape`` (the adjoint of it)."""
    if tuple(x.shape) == tuple(shape):
        return x
    leading = x.ndim - len(shape)
    if leading:
        x = x.sum(dim=tuple(range(leading)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and x.shape[i] != 1)
    return x.sum(dim=stretched, keepdim=True) if stretched else x


@functools.cache
def _autograd_function():
    """The ``torch.autograd.Function`` behind :func:`closed_form_gradient` (built once torch is needed)."""
    import torch

    def arguments(ctx) -> dict[str, Any]:
        values = [t if c is _SAVED else c for t, c in zip(ctx.saved_tensors, ctx.constants, strict=True)]
        return dict(zip(ctx.rule.names, values, strict=True))

    class ClosedFormGradient(torch.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(rule, *values):
            return rule.loss(**dict(zip(rule.names, values, strict=True)))

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.rule, *values = inputs
            ctx.constants = [_SAVED if isinstance(v, torch.Tensor) else v for v in values]
            tensors = [v if isinstance(v, torch.Tensor) else None for v in values]
            ctx.save_for_backward(*tensors)
            ctx.save_for_forward(*tensors)

        @staticmethod
        def backward(ctx, grad_output):
            rule, args = ctx.rule, arguments(ctx)
            grads = []
            for name, needed in zip(rule.names, ctx.needs_input_grad[1:], strict=True):
                if not needed:
                    grads.append(None)
                    continue
                derivative = rule.partial(name)(**args)
                contribution = derivative * rule.align(grad_output, derivative.ndim)
                grads.append(_sum_to_shape(contribution, tuple(args[name].shape)))
            return (None, *grads)

        @staticmethod
        def jvp(ctx, _rule, *tangents):
            rule, args = ctx.rule, arguments(ctx)
            total = None
            for name, tangent in zip(rule.names, tangents, strict=True):
                if tangent is not None:
                    term = rule.contract(rule.partial(name)(**args) * tangent)
                    total = term if total is None else total + term
            return total

    return ClosedFormGradient


_SAVED = object()
"""Marks an argument that was saved as a tensor (every other argument is kept as it is)."""

"""Numerically stable float64 forms of the activations and their atoms.

Every function here keeps full relative accuracy where the naive formula
cancels or overflows: the logistic function by the sign of its argument,
``log1p``/``logaddexp`` for softplus, ``erfc`` for the lower tail of the
normal CDF, and the complements ``1 - tanh z = 2 sigmoid(-2z)`` of saturating
functions.  All accept numpy arrays (or scalars) and return float64 arrays.

Examples
--------
>>> from symnet.activations.numeric import expit, softplus
>>> float(expit(-40.0))
4.248354255291589e-18
>>> float(softplus(-30.0))
9.357622968839737e-14
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "expit", "expit_neg", "softplus", "tanh", "one_minus_tanh", "one_plus_tanh", "silu",
    "erf", "erfc", "normal_cdf", "normal_pdf", "gelu", "gelu_tanh", "relu", "exp_neg_square",
    "GELU_TANH_K",
]

#: The cubic coefficient of the tanh approximation of GELU.
GELU_TANH_K = 0.044715
_S2PI = math.sqrt(2.0 / math.pi)


def _f(x):
    return np.asarray(x, dtype=float)


def expit(x):
    """The logistic function 1/(1 + exp(-x)), relatively accurate for every x.

    Examples
    --------
    >>> from symnet.activations.numeric import expit
    >>> expit([0.0, 800.0]).tolist()
    [0.5, 1.0]
    """
    x = _f(x)
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def expit_neg(x):
    """``1 - expit(x) = expit(-x)`` without cancellation.

    Examples
    --------
    >>> from symnet.activations.numeric import expit_neg
    >>> float(expit_neg(40.0))
    4.248354255291589e-18
    """
    return expit(-_f(x))


def softplus(x):
    """``log(1 + exp(x))`` without overflow or cancellation.

    Examples
    --------
    >>> from symnet.activations.numeric import softplus
    >>> float(softplus(800.0))
    800.0
    """
    x = _f(x)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def tanh(x):
    """``tanh(x)`` (numpy's is accurate).

    Examples
    --------
    >>> from symnet.activations.numeric import tanh
    >>> float(tanh(0.5))
    0.46211715726000974
    """
    return np.tanh(_f(x))


def one_minus_tanh(x):
    """``1 - tanh(x) = 2 expit(-2x)``, accurate where tanh saturates at +1.

    Examples
    --------
    >>> from symnet.activations.numeric import one_minus_tanh
    >>> float(one_minus_tanh(20.0))
    8.496708510583178e-18
    """
    return 2.0 * expit(-2.0 * _f(x))


def one_plus_tanh(x):
    """``1 + tanh(x) = 2 expit(2x)``, accurate where tanh saturates at -1.

    Examples
    --------
    >>> from symnet.activations.numeric import one_plus_tanh
    >>> float(one_plus_tanh(0.0))
    1.0
    """
    return 2.0 * expit(2.0 * _f(x))


def silu(x):
    """``x expit(x)``.

    Examples
    --------
    >>> from symnet.activations.numeric import silu
    >>> float(silu(-30.0))
    -2.80728689065179e-12
    """
    x = _f(x)
    return x * expit(x)


def _special(name):
    try:
        import scipy.special as sp
        return getattr(sp, name)
    except ImportError:  # pragma: no cover - scipy is optional
        return np.vectorize(getattr(math, name), otypes=[float])


def erf(x):
    """The error function, vectorised.

    Examples
    --------
    >>> from symnet.activations.numeric import erf
    >>> round(float(erf(1.0)), 12)
    0.84270079295
    """
    return np.asarray(_special("erf")(_f(x)), dtype=float)


def erfc(x):
    """``1 - erf(x)`` without cancellation.

    Examples
    --------
    >>> from symnet.activations.numeric import erfc
    >>> float(erfc(10.0)) > 0
    True
    """
    return np.asarray(_special("erfc")(_f(x)), dtype=float)


def _split(x):
    """Veltkamp split: x = hi + lo with hi exactly representable in 26 bits."""
    with np.errstate(over="ignore", invalid="ignore"):
        c = 134217729.0 * x  # 2**27 + 1
        hi = c - (c - x)
        return hi, x - hi


def exp_neg_square(x, scale=1.0):
    """``exp(-scale * x**2)`` with ``x**2`` carried exactly (Dekker): no squaring error.

    ``scale`` must be a power of two (1 or 1/2) for the product to stay exact.

    Examples
    --------
    >>> from symnet.activations.numeric import exp_neg_square
    >>> float(exp_neg_square(1.0))
    0.36787944117144233
    """
    x = _f(x)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        h, l = _split(x)
        sq = x * x
        err = ((h * h - sq) + 2 * h * l) + l * l     # x*x - sq, exactly
        out = np.exp(-scale * sq) * np.exp(-scale * err)
        # beyond exp's range the correction can overflow (0 * inf): the value is 0
        return np.where(scale * sq > 800.0, 0.0, out)


def _mills(t):
    """(1 - Phi(t))/phi(t) for t >= 4, by its continued fraction (backward, 80 terms)."""
    acc = np.zeros_like(t)
    for k in range(80, 0, -1):
        acc = k / (t + acc)
    return 1.0 / (t + acc)


def normal_cdf(x):
    """Phi(x), relatively accurate in the lower tail (erfc; Mills ratio below -4).

    Examples
    --------
    >>> from symnet.activations.numeric import normal_cdf
    >>> float(normal_cdf(0.0))
    0.5
    """
    x = _f(x)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        out = 0.5 * erfc(-x / math.sqrt(2.0))
        tail = x < -4.0
        if np.any(tail):
            t = -x[tail] if np.ndim(x) else -x
            val = normal_pdf(-t) * _mills(t)
            if np.ndim(x):
                out = np.array(out, dtype=float)
                out[tail] = val
            else:
                out = val
    return out


def normal_pdf(x):
    """phi(x) = exp(-x**2/2)/sqrt(2 pi), with the square carried exactly.

    Examples
    --------
    >>> from symnet.activations.numeric import normal_pdf
    >>> round(float(normal_pdf(0.0)), 12)
    0.398942280401
    """
    x = _f(x)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        return exp_neg_square(x, 0.5) / math.sqrt(2.0 * math.pi)


def gelu(x):
    """GELU in its erf form, ``x Phi(x)``.

    Examples
    --------
    >>> from symnet.activations.numeric import gelu
    >>> float(gelu(0.0))
    0.0
    """
    x = _f(x)
    return x * normal_cdf(x)


def gelu_tanh(x):
    """GELU's tanh approximation ``x/2 (1 + tanh(sqrt(2/pi)(x + 0.044715 x**3)))``.

    Written as ``x expit(2 g(x))``, which does not cancel for x << 0.

    Examples
    --------
    >>> from symnet.activations.numeric import gelu_tanh
    >>> round(float(gelu_tanh(1.0)), 10)
    0.8411919906
    """
    x = _f(x)
    with np.errstate(over="ignore"):
        g = _S2PI * (x + GELU_TANH_K * x * x * x)
    return x * expit(2.0 * g)


def relu(x):
    """``max(x, 0)``.

    Examples
    --------
    >>> from symnet.activations.numeric import relu
    >>> relu([-1.0, 2.0]).tolist()
    [0.0, 2.0]
    """
    x = _f(x)
    return np.where(x > 0, x, 0.0)

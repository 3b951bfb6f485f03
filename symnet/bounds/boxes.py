"""Boxes of inputs: parsing, validation, and their exact ends as balls.

A box is a pair ``(lo, hi)`` used for every input, or one pair per input.
Ends are finite real numbers taken exactly: ints, Fractions, floats (their
binary value), ``decimal.Decimal``, mpmath numbers, numpy scalars and exact
real sympy numbers (``sqrt(2)/3``).  Strings are refused (never parsed or
evaluated), as are NaN, infinities, complex numbers, symbols and
``lo > hi``: :class:`~symnet.errors.BoxError`; the wrong number of pairs is
a :class:`~symnet.errors.ShapeError`.

Examples
--------
>>> from symnet.bounds.boxes import parse_box
>>> b = parse_box([(0, 1), (-0.5, 0.5)], 2)
>>> b.exact
((0, 1), (-0.5, 0.5))
>>> parse_box((0, "1"), 2)
Traceback (most recent call last):
    ...
symnet.errors.BoxError: box interval 0 upper end: expected a real number, got the string '1' (strings are never evaluated)
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import sympy
from flint import arb, fmpq

from .._validate import as_weight
from ..errors import BoxError, ShapeError, WeightError
from .arbprint import ArbPrinter
from .balls import Uncertifiable, from_mpf

__all__ = ["Box", "parse_box"]


class Box:
    """A validated box: its exact ends and (made on demand, at the working precision) balls.

    Attributes
    ----------
    exact : tuple of (number, number)
        The ends as given, as exact sympy numbers (floats stay floats).

    Examples
    --------
    >>> import sympy
    >>> from symnet.bounds.balls import precision
    >>> from symnet.bounds.boxes import parse_box
    >>> b = parse_box([(0, 1), (sympy.sqrt(2) / 3, 1)], 2)
    >>> len(b), b.exact[1]
    (2, (sqrt(2)/3, 1))
    >>> with precision(64):
    ...     b.balls()[1]
    ([0.471404520791031683 +/- 2.08e-19], 1.00000000000000000)
    """

    __slots__ = ("exact", "_makers")

    def __init__(self, exact, makers):
        self.exact = tuple(exact)
        self._makers = makers

    def __len__(self):
        return len(self.exact)

    def balls(self):
        """``[(lo, hi), ...]`` as balls at the working precision (exact where the ends are)."""
        return [(lo(), hi()) for lo, hi in self._makers]


def _number(v, where):
    """Validate one end: ``(exact value, function -> ball)``."""
    if type(v).__module__ == "numpy":
        import numpy as np
        if isinstance(v, np.generic):
            v = v.item()
    if isinstance(v, (str, bytes)):
        raise BoxError(f"{where}: expected a real number, got the string {v!r} (strings are "
                       "never evaluated)")
    if isinstance(v, bool) or v is None:
        raise BoxError(f"{where}: expected a real number, got {type(v).__name__} {v!r}")
    if isinstance(v, float):
        if not math.isfinite(v):
            raise BoxError(f"{where}: box ends must be finite, got {v!r}")
        return v, lambda: arb(v)
    if hasattr(v, "_mpf_") and not isinstance(v, sympy.Basic):  # an mpmath mpf: exactly
        ball = from_mpf(v._mpf_)
        if not ball.is_finite() or not math.isfinite(float(v)):
            raise BoxError(f"{where}: box ends must be finite, got {v}")
        e = sympy.Float(v)
        return e, lambda: from_mpf(v._mpf_)
    if not isinstance(v, (sympy.Basic, int, Fraction)) and (
            isinstance(v, numbers.Real) or hasattr(v, "as_integer_ratio")):
        try:
            v = Fraction(v)  # exactly (Decimal, other real types)
        except (TypeError, ValueError, OverflowError, ArithmeticError):
            raise BoxError(f"{where}: box ends must be finite real numbers, got {v!r}") from None
    try:
        e = as_weight(v, where)
    except WeightError as exc:
        msg = str(exc)
        if "finite" in msg:
            raise BoxError(f"{where}: box ends must be finite, got {v!r}") from None
        raise BoxError(msg.replace("expected a number or sympy expression",
                                   "expected a real number")) from None
    if isinstance(e, float):
        return e, lambda: arb(e)
    if not e.is_number:
        raise BoxError(f"{where}: expected a real number, got {e}")
    if e.is_Rational:
        q = fmpq(int(e.p), int(e.q))
        return e, lambda: arb(q)
    if e.is_Float:
        return e, lambda: from_mpf(e._mpf_)

    def make():
        try:
            ball = ArbPrinter().ball(e)
        except Uncertifiable as exc:
            raise BoxError(f"{where}: expected a real number, got {e} ({exc})") from None
        if not ball.is_finite():
            raise BoxError(f"{where}: {e} is not a finite real number")
        return ball
    make()  # refuse now, not later, what cannot be enclosed
    return e, make


def _is_scalar(v):
    if isinstance(v, (list, tuple)):
        return False
    if hasattr(v, "shape") and getattr(v, "ndim", 0) > 0:
        return False
    return True


def parse_box(box, n):
    """Validate a box for ``n`` inputs.

    Parameters
    ----------
    box : pair or sequence of pairs (or an (n, 2) array / Matrix)
    n : int
        Number of inputs.

    Returns
    -------
    Box

    Raises
    ------
    BoxError
        Not a box, an end that is not a finite real number, ``lo > hi``.
    ShapeError
        The wrong number of pairs, or an interval that is not a pair.

    Examples
    --------
    >>> from symnet.bounds.boxes import parse_box
    >>> len(parse_box((-1, 1), 3))
    3
    >>> parse_box([(1, 0)], 1)
    Traceback (most recent call last):
        ...
    symnet.errors.BoxError: box interval 0: lower end 1 is greater than upper end 0
    """
    if hasattr(box, "tolist") and not isinstance(box, sympy.Basic):
        box = box.tolist()
    if isinstance(box, sympy.MatrixBase):
        box = box.tolist()
    if not isinstance(box, (list, tuple)):
        raise BoxError(f"expected a box: a pair (lower, upper) or a list of {n} pairs, got "
                       f"{type(box).__name__} {box!r}")
    if len(box) == 2 and _is_scalar(box[0]) and _is_scalar(box[1]):
        pairs = [tuple(box)] * n
    else:
        pairs = list(box)
        if len(pairs) != n:
            raise ShapeError(f"the box has {len(pairs)} intervals but the network has {n} inputs; "
                             f"expected {n} pairs (lower, upper) or a single pair for all")
        for i, p in enumerate(pairs):
            if hasattr(p, "tolist"):
                p = p.tolist()
            if not isinstance(p, (list, tuple)) or len(p) != 2:
                raise ShapeError(f"box interval {i}: expected a pair (lower, upper), got {p!r}")
            pairs[i] = tuple(p)
    exact, makers = [], []
    for i, (lo, hi) in enumerate(pairs):
        elo, blo = _number(lo, f"box interval {i} lower end")
        ehi, bhi = _number(hi, f"box interval {i} upper end")
        if _greater(elo, ehi, blo, bhi):
            raise BoxError(f"box interval {i}: lower end {elo} is greater than upper end {ehi}")
        exact.append((elo, ehi))
        makers.append((blo, bhi))
    return Box(exact, makers)


def _greater(elo, ehi, blo, bhi):
    """lo > hi, decided with balls at a high precision (exact ends compare exactly)."""
    from .balls import precision
    with precision(256):
        a, b = blo(), bhi()
        if a > b:
            return True
        if a <= b or a.overlaps(b) and (a - b).is_zero():
            return False
    # equal to 256 bits: the numbers are (almost surely) equal; let sympy decide
    a = elo if isinstance(elo, sympy.Basic) else sympy.Rational(elo)
    b = ehi if isinstance(ehi, sympy.Basic) else sympy.Rational(ehi)
    try:
        return bool(a > b)
    except TypeError:  # undecidable: treat as equal (the interval is a point)
        return False

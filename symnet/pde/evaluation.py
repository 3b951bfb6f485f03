"""The function under test: reading it, its derivatives at exact points, sound nonzero tests.

:func:`symnet.check_pde` reads ``f`` (a sympy expression, a number, a
string -- parsed with the safe parser, never evaluated -- or a one-output
Network) and the user's point, then works with a :class:`FunctionContext`:
the memoised derivatives of ``f`` in real dummy variables, random exact
rational points where ``f`` is defined, and the values of the derivatives
there (:class:`PointValues`, exact and at guaranteed precision).
Architectures use the same objects in their structural proofs and
representability checks (see :class:`symnet.pde.architectures.Architecture`).

Examples
--------
>>> import sympy
>>> from symnet.pde.evaluation import FunctionContext
>>> x, y = sympy.symbols("x y")
>>> fn = FunctionContext(x**2 * y, (x, y), ())
>>> pv = fn.values_at({x: 1, y: 3})
>>> pv.exact((1, 0)), pv.exact((1, 1))
(6, 2)
"""

import decimal
import itertools
import math
import numbers
import random
import time

import mpmath
import sympy

from .._validate import as_expr, parse_expr
from ..errors import ArgumentError, InputError, NotSupportedError, ResourceError, ShapeError
from .derivatives import Derivatives, _det, multi_index
from .limits import MAX_EXACT_BITS, describe_count, describe_value
from .zero import _BadPoint, _NotNumeric, NumEval, is_clearly_nonzero, is_exactly_zero, prove_zero, to_mp

__all__ = ["FunctionContext", "PointValues", "as_function", "as_point", "refuse_huge_values"]

_DPS = 40            # digits of the probes
_DPS_HIGH = 100      # digits of the second round of probes
_REL_ZERO = mpmath.mpf(10) ** -25   # relative size below which a probe "looks zero"
_NONFINITE = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)
_DEFAULT = object()


# ---------------------------------------------------------------------------
# reading f and the point
# ---------------------------------------------------------------------------
def _exact_floats(expr):
    floats = expr.atoms(sympy.Float)
    if not floats:
        return expr
    return expr.xreplace({fl: sympy.Rational(fl) for fl in floats})


def as_function(f, inputs):
    """``f`` (sympy expression, number, string or one-output Network) as an Expr.

    Returns ``(expr, parameters)``: free symbols other than the inputs are
    parameters.  Symbols named like an input (but with other assumptions)
    are identified with that input.  Strings are read with the safe parser
    :func:`symnet._validate.parse_expr` (never evaluated); floats become
    exact rationals.

    Raises
    ------
    InputError
        ``f`` is not a scalar, finite expression.
    ParseError
        ``f`` is a string outside the expression language.
    ShapeError
        ``f`` is a Network with several outputs.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.evaluation import as_function
    >>> as_function("0.5*x*y + a", sympy.symbols("x y"))
    (a + x*y/2, (a,))
    """
    inputs = tuple(inputs)
    if isinstance(f, sympy.Basic):
        expr = f
    elif hasattr(f, "expr") and callable(f.expr):
        net_inputs = getattr(f, "inputs", None)
        expr = f.expr()
        if isinstance(expr, (list, tuple)) or getattr(expr, "is_Matrix", False):
            items = list(expr)
            if len(items) != 1:
                raise ShapeError(
                    f"check_pde needs a function with one output; the network has {len(items)} outputs"
                )
            expr = items[0]
        if net_inputs is not None:
            net_inputs = tuple(net_inputs)
            missing = [s for s in net_inputs if s not in inputs]
            if missing:
                raise InputError(
                    f"the network's inputs {net_inputs} are not the architecture's inputs {inputs}; "
                    "build the architecture on net.inputs"
                )
    elif isinstance(f, decimal.Decimal):
        if not f.is_finite():
            raise InputError(f"f must be a finite expression; got {describe_value(f)}")
        expr = sympy.Rational(*f.as_integer_ratio())
    elif isinstance(f, (str, bool, int, float)) or type(f).__module__ == "numpy" or isinstance(
            f, numbers.Rational):
        expr = as_expr(f, "f")  # strings: the safe parser; bools refused
    else:
        raise InputError(
            "f must be a sympy expression, a number, a string or a one-output symnet Network; got "
            f"{describe_value(f)} of type {type(f).__name__}"
        )
    if not isinstance(expr, sympy.Expr) or getattr(expr, "is_Matrix", False):
        raise InputError(f"f must be a scalar sympy expression; got {describe_value(expr)} of type "
                         f"{type(expr).__name__}")
    if expr.has(*_NONFINITE):
        raise InputError(f"f must be a finite expression; got {describe_value(expr)}")
    by_name = {x.name: x for x in inputs}
    rename = {}
    for s in expr.free_symbols:
        if s not in inputs and getattr(s, "name", None) in by_name and by_name[s.name] not in expr.free_symbols:
            rename[s] = by_name[s.name]
    if rename:
        expr = expr.xreplace(rename)
    expr = _exact_floats(expr)
    params = tuple(sorted((s for s in expr.free_symbols if s not in inputs), key=lambda s: s.name))
    return expr, params


def _as_coordinate(value, name):
    """One coordinate of a point as an exact finite real number."""
    where = f"the point's value for {name}"
    if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, bool):
        raise InputError(f"{where} must be a number; got {describe_value(value)}")
    if isinstance(value, str):
        v = parse_expr(value, where)  # ParseError for anything but an expression
    elif isinstance(value, sympy.Basic):
        v = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{where} must be a finite number; got {describe_value(value)}")
        v = sympy.Rational(value)
    elif isinstance(value, numbers.Integral):
        v = sympy.Integer(int(value))
    elif isinstance(value, numbers.Rational):
        v = sympy.Rational(int(value.numerator), int(value.denominator))
    elif isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise InputError(f"{where} must be a finite number; got {describe_value(value)}")
        v = sympy.Rational(*value.as_integer_ratio())
    elif isinstance(value, numbers.Real):
        return _as_coordinate(float(value), name)
    else:
        raise InputError(f"{where} must be a finite real number; got {describe_value(value)} of type "
                         f"{type(value).__name__}")
    if not (isinstance(v, sympy.Expr) and v.is_number) or v.has(*_NONFINITE):
        raise InputError(f"{where} must be a finite number; got {describe_value(value)}")
    if v.is_extended_real is False:
        raise InputError(f"{where} must be a real number; got {describe_value(value)}")
    return _exact_floats(v)


def as_point(point, inputs, params=()):
    """The user's point as a dict Symbol -> exact number (parameters optional).

    ``point`` is a dict (keys Symbols or their names) or a sequence in the
    order of ``inputs``; values are numbers, sympy numbers or strings (read
    with the safe parser).  NaN, infinities, complex numbers and non-numbers
    are refused with :class:`~symnet.errors.InputError`, unreadable strings
    with :class:`~symnet.errors.ParseError`.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.evaluation import as_point
    >>> x, y = sympy.symbols("x y")
    >>> as_point(["1/3", 0.5], (x, y))
    {x: 1/3, y: 1/2}
    """
    if point is None:
        return None
    inputs, params = tuple(inputs), tuple(params)
    out = {}
    if isinstance(point, dict):
        names = {s.name: s for s in inputs + params}
        for key, value in point.items():
            sym = key if isinstance(key, sympy.Symbol) else names.get(key) if isinstance(key, str) else None
            if isinstance(sym, sympy.Symbol) and sym not in inputs + params and sym.name in names:
                sym = names[sym.name]
            if sym is None or sym not in inputs + params:
                raise InputError(f"the point gives a value for {describe_value(key)}, which is not an input "
                                 f"of the architecture {inputs} nor a parameter of f")
            out[sym] = _as_coordinate(value, sym)
        missing = [x for x in inputs if x not in out]
        if missing:
            raise ShapeError(f"the point must give a value for every input {inputs}; missing {tuple(missing)}")
        return {s: out[s] for s in inputs + params if s in out}
    bad = InputError(f"point must be a dict or a sequence of numbers; got {describe_value(point)} of type "
                     f"{type(point).__name__}")
    if isinstance(point, (str, bytes, sympy.Basic, set, frozenset)):
        raise bad
    try:
        values = list(point)
    except TypeError:
        raise bad from None
    if len(values) != len(inputs):
        raise ShapeError(
            f"the point must have one value per input {inputs} ({len(inputs)} values); got {len(values)}"
        )
    for x, v in zip(inputs, values):
        out[x] = _as_coordinate(v, x)
    return out


def refuse_huge_values(expr, point=None):
    """Refuse ``f`` when its exact values at rational points would be too large to compute.

    The estimate is the largest exponent in ``expr`` times the bits of the
    coordinates (the user's point, or the small random points); it must stay
    below :data:`symnet.pde.limits.MAX_EXACT_BITS`.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.evaluation import refuse_huge_values
    >>> x = sympy.Symbol("x")
    >>> refuse_huge_values(x**100)
    >>> refuse_huge_values(x**(10**9))
    Traceback (most recent call last):
    ...
    symnet.errors.ResourceError: check_pde: f has the exponent 1,000,000,000, so its exact values ... bits
    """
    exponent = 0
    for p in expr.atoms(sympy.Pow):
        e = p.exp
        if e.is_Rational:
            exponent = max(exponent, abs(int(e.p)), int(e.q))
    if not exponent:
        return
    bits = 10  # the random points: small rationals scaled by up to 100
    for v in (point or {}).values():
        if v.is_Rational:
            bits = max(bits, int(v.p).bit_length() + int(v.q).bit_length())
    if exponent * bits > MAX_EXACT_BITS:
        raise ResourceError(
            f"check_pde: f has the exponent {describe_count(exponent)}, so its exact values at rational "
            f"points would have about {describe_count(exponent * bits)} bits, more than the limit of "
            f"{MAX_EXACT_BITS:,} bits")


def _as_seed(seed):
    if seed is None:
        return None
    if type(seed).__module__ == "numpy" and hasattr(seed, "item"):
        seed = seed.item()
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ArgumentError(f"check_pde: seed: expected an integer or None, got {describe_value(seed)}")
    return seed


# ---------------------------------------------------------------------------
# values at a point
# ---------------------------------------------------------------------------
class PointValues:
    """Exact and approximate values of the derivatives of ``f`` at one point.

    Attributes
    ----------
    user_point : dict
        Symbol -> exact number (the user's symbols).
    dps : int
        Digits of the approximations.

    Methods ``exact(alpha)`` and ``approx(alpha)`` give the value of the
    derivative with multi-index ``alpha`` (an exact sympy number, an
    ``mpmath`` number); they raise internal signals when ``f`` is not
    defined or not numeric there, which the callers in :mod:`symnet.pde`
    catch.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.evaluation import FunctionContext
    >>> x, y = sympy.symbols("x y")
    >>> pv = FunctionContext(sympy.exp(x) * y, (x, y), ()).values_at({x: 0, y: 2})
    >>> pv.exact((1, 1)), float(pv.approx((2, 0)))
    (1, 2.0)
    """

    def __init__(self, derivs, subs, user_point, dps, rational):
        self.derivs = derivs
        self.subs = subs              # internal symbol -> exact number
        self.user_point = user_point  # user symbol -> exact number
        self.dps = dps
        self.rational = rational      # f is a rational function with rational coefficients
        self._exact = {}
        self._approx = {}
        self._num = NumEval(subs, dps)
        self.loose = set()   # multi-indices whose digits are not guaranteed

    def exact(self, alpha):
        got = self._exact.get(alpha)
        if got is None:
            try:
                got = self.derivs(alpha).xreplace(self.subs)
            except (ValueError, TypeError, ZeroDivisionError) as exc:
                raise _NotNumeric(str(exc)) from None
            if got.has(*_NONFINITE):
                raise _BadPoint(f"not defined at {self.user_point}")
            self._exact[alpha] = got
        return got

    def approx(self, alpha):
        got = self._approx.get(alpha)
        if got is None:
            if self.rational:
                got, guaranteed = to_mp(self.exact(alpha), self.dps)
            else:
                got, guaranteed = self._num(self.derivs(alpha))
            if not guaranteed:
                self.loose.add(alpha)
            self._approx[alpha] = got
        return got


def _confirm_nonzero(pv, matrix):
    """Is ``det`` of the derivatives in ``matrix`` nonzero at the point, for sure?

    Returns ``(proven, exact_value, approximate_value)``; ``exact_value`` is
    a callable (the exact value is built only when asked for).  For a
    rational ``f`` the determinant is computed exactly.  Otherwise every
    entry is known to ``pv.dps`` digits (two working precisions agree), and
    the determinant must exceed the error those digits can cause,
    ``3 k eps prod(row 1-norms)``, by a wide margin; failing that, the exact
    determinant goes through sympy's ``evalf(strict=True)``.
    """
    def exact():
        return _det([[pv.exact(a) for a in row] for row in matrix])

    if pv.rational:
        d_exact = exact()
        return d_exact != 0, d_exact, d_exact
    approx = [[pv.approx(a) for a in row] for row in matrix]
    with mpmath.workdps(pv.dps + 20):
        d = _det(approx)
        if not any(a in pv.loose for row in matrix for a in row):
            bound = mpmath.mpf(1)
            for row in approx:
                bound *= sum(abs(v) for v in row)
            eps = mpmath.mpf(10) ** -(pv.dps - 3)
            err = (3 * len(matrix) * eps + mpmath.mpf(10) ** -pv.dps) * bound
            if abs(d) > 10 ** 6 * err:
                return True, exact, d
    d_exact = exact()
    return is_clearly_nonzero(d_exact) is True, d_exact, d


def _relative_size(rows):
    """``|det| / Hadamard bound`` for a square matrix of mpmath numbers (0 if all zero)."""
    det = _det(rows)
    bound = mpmath.mpf(1)
    for row in rows:
        norm = mpmath.sqrt(sum(abs(a) ** 2 for a in row))
        if norm == 0:
            return det, mpmath.mpf(0)
        bound *= norm
    return det, abs(det) / bound


def _random_value(rng, positive):
    q = rng.randint(2, 9)
    while True:
        p = rng.randint(1, 2 * q - 1)
        if p % q:
            break
    v = sympy.Rational(p, q)
    return -v if (not positive and rng.random() < 0.5) else v


def _random_point(rng, symbols, positive):
    while True:
        values = [_random_value(rng, positive) for _ in symbols]
        if len(set(values)) == len(values) or len(symbols) > 12:
            return dict(zip(symbols, values))


# ---------------------------------------------------------------------------
# the function under test
# ---------------------------------------------------------------------------
class FunctionContext:
    """Everything a check needs about ``f``: internal variables, derivatives, points.

    Parameters
    ----------
    expr : sympy.Expr
        The function, in the user's symbols.
    inputs, params : tuple of Symbol
        The architecture's inputs; the other free symbols of ``expr``.
    seed : int, optional
        Seed of the random rational points.
    timeout : float or None, optional
        Time limit of each exact proof (:meth:`prove_zero`).
    recheck : callable, optional
        ``recheck(arch, point)`` checks the same ``f`` against another
        architecture (used by ridge sums to try fewer terms).

    Attributes
    ----------
    expr, inputs, params
    real : dict
        User symbol -> the real Dummy used internally.
    derivs : Derivatives
        ``derivs(alpha)``: the derivatives of ``f`` in the real dummies.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pde.evaluation import FunctionContext
    >>> x, y = sympy.symbols("x y")
    >>> fn = FunctionContext(x * y + 3, (x, y), ())
    >>> fn.back(fn.derivs((1, 0))), fn.is_constant(), len(fn.random_points(2, fn.first_order()))
    (y, False, 2)
    """

    def __init__(self, expr, inputs, params, seed=0, timeout=None, recheck=None):
        self.expr = expr
        self.inputs = tuple(inputs)
        self.params = tuple(params)
        self.timeout = timeout
        self._recheck = recheck
        self.real = {x: sympy.Dummy(x.name, real=True) for x in self.inputs + self.params}
        self.fr = expr.xreplace(self.real)
        self.rvars = tuple(self.real[x] for x in self.inputs)
        self.derivs = Derivatives(self.fr, self.rvars)
        self.rng = random.Random(seed)
        self.rational = bool(self.fr.is_rational_function()) and all(
            a.is_Rational for a in self.fr.atoms(sympy.Number))
        self.numeric = True     # False once f cannot be evaluated numerically
        self.numeric_reason = None
        self.constants = sorted(
            {a for a in expr.atoms(sympy.NumberSymbol, sympy.Pow) if a.is_number and not a.is_Rational},
            key=sympy.default_sort_key,
        )
        self._constant = None

    def not_numeric_reason(self):
        undefined = sorted({str(a.func) for a in self.expr.atoms(sympy.core.function.AppliedUndef)})
        if undefined:
            return f"f contains undefined functions ({', '.join(undefined)}) and cannot be evaluated numerically"
        return "f cannot be evaluated numerically at rational points"

    def values_at(self, user_point, dps=_DPS):
        """The :class:`PointValues` of ``f`` at a dict user symbol -> number (made exact)."""
        user_point = {s: v if isinstance(v, sympy.Rational) else _as_coordinate(v, s)
                      for s, v in user_point.items()}
        subs = {self.real[s]: v for s, v in user_point.items()}
        return PointValues(self.derivs, subs, dict(user_point), dps, self.rational)

    def first_order(self):
        """The multi-indices of the first derivatives, in input order."""
        n = len(self.inputs)
        return [multi_index(n, i) for i in range(n)]

    def back(self, expr):
        """``expr`` with the internal real dummies replaced by the user's symbols."""
        return expr.xreplace({v: k for k, v in self.real.items()})

    def prove_zero(self, expr, seconds=_DEFAULT):
        """True when ``expr`` is proven identically zero within the time limit, else None.

        ``seconds`` defaults to the context's ``timeout``.
        """
        return prove_zero(expr, self.timeout if seconds is _DEFAULT else seconds)

    def is_constant(self):
        """True when every first derivative of ``f`` is proven identically zero (memoised)."""
        if self._constant is None:
            self._constant = all(self.prove_zero(self.derivs(a)) is True for a in self.first_order())
        return self._constant

    def recheck(self, arch, point):
        """The :class:`~symnet.PDECheck` of the same ``f`` against another architecture at ``point``."""
        if self._recheck is None:
            raise NotSupportedError("this function context cannot check another architecture")
        return self._recheck(arch, point)

    def _valid(self, pv, needed, require_real):
        for alpha in needed:
            v = pv.approx(alpha)
            if require_real and isinstance(v, mpmath.mpc):
                if abs(v.imag) > mpmath.mpf(10) ** (-pv.dps // 2) * max(1, abs(v.real)):
                    raise _BadPoint("not real")
        return True

    def random_points(self, count, needed, dps=_DPS):
        """Up to ``count`` random rational points where f is defined, real and finite."""
        out = []
        for attempt in range(40):
            if len(out) >= count or not self.numeric:
                break
            positive = attempt < 8
            scale = 1 if attempt < 20 else 10 if attempt < 30 else 100
            pt = {k: v * scale for k, v in _random_point(self.rng, self.inputs, positive).items()}
            if self.params:
                pt.update(_random_point(self.rng, self.params, True))
            pv = self.values_at(pt, dps)
            try:
                self._valid(pv, [(0,) * len(self.inputs)] + list(needed), True)
            except _BadPoint:
                continue
            except _NotNumeric:
                self.numeric = False
                self.numeric_reason = self.not_numeric_reason()
                break
            out.append(pv)
        return out


def _guess_constant(exact, approx, ctx, allow_numeric):
    """A constant equal to ``exact`` (a number, possibly with parameters), or None."""
    q = sympy.cancel(exact) if exact.free_symbols else exact
    if q.is_Rational or not q.has(sympy.Function):
        return q
    if not allow_numeric or approx is None:
        return None
    with mpmath.workdps(_DPS):
        re = approx.real if isinstance(approx, mpmath.mpc) else approx
        if isinstance(approx, mpmath.mpc) and abs(approx.imag) > mpmath.mpf(10) ** -30:
            return None
        fl = sympy.Float(re, _DPS)
    try:
        guess = sympy.nsimplify(fl, constants=ctx.constants, tolerance=sympy.Rational(1, 10 ** 28))
    except Exception:  # pragma: no cover - nsimplify is defensive already
        return None
    if guess.is_Rational and guess.q > 10 ** 12:
        return None
    if sympy.count_ops(guess) > 20:
        return None
    return guess


# ---------------------------------------------------------------------------
# non-singularity at a point: gradients and ranks
# ---------------------------------------------------------------------------
def _gradient_status(pv, alphas):
    """True if some derivative is provably nonzero, False if all are provably zero, else None."""
    try:
        with mpmath.workdps(pv.dps):
            approx = [pv.approx(a) for a in alphas]
    except (_BadPoint, _NotNumeric):
        return None
    order = sorted(range(len(alphas)), key=lambda i: -abs(approx[i]))
    for i in order:
        if approx[i] == 0:
            continue
        if alphas[i] not in pv.loose or is_clearly_nonzero(pv.exact(alphas[i])):
            return True
    if all(is_exactly_zero(pv.exact(a), 1.0) for a in alphas):
        return False
    return None


def _rank_status(mat, rank, pv):
    """Does the matrix of derivatives ``mat`` have rank ``rank`` at the point: True / False / None."""
    n_cols = len(mat[0]) if mat else 0
    try:
        if pv.rational:
            return sympy.Matrix([[pv.exact(a) for a in row] for row in mat]).rank() == rank
        with mpmath.workdps(pv.dps):
            approx = [[pv.approx(a) for a in row] for row in mat]
    except (_BadPoint, _NotNumeric):
        return None
    candidates = []
    with mpmath.workdps(pv.dps):
        for combo in itertools.combinations(range(len(mat)), rank):
            for cols in itertools.combinations(range(n_cols), rank):
                sub = [[approx[i][b] for b in cols] for i in combo]
                det, rel = _relative_size(sub)
                candidates.append((rel, combo, cols))
    candidates.sort(key=lambda t: -t[0])
    for rel, combo, cols in candidates[:5]:
        if rel > _REL_ZERO:
            if _confirm_nonzero(pv, [[mat[i][b] for b in cols] for i in combo])[0]:
                return True
    if all(rel <= _REL_ZERO for rel, _, _ in candidates):
        deadline = time.monotonic() + 5.0
        for rel, combo, cols in candidates:
            if time.monotonic() > deadline:
                return None
            if is_exactly_zero(_det([[pv.exact(mat[i][b]) for b in cols] for i in combo]), 1.0) is not True:
                return None
        return False
    return None

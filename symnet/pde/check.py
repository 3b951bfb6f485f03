"""Check exactly whether a function satisfies the PDE constraints of an architecture.

Examples
--------
>>> import sympy
>>> from symnet import Tree, check_pde
>>> x, y, z = sympy.symbols("x y z")
>>> r = check_pde(sympy.exp(x*y) + z, Tree("((x,y),z)"))
>>> r.satisfied, r.nonsingular, r.representable
(True, True, True)
>>> r = check_pde(x*y + y*z, "((x,y),z)")
>>> r.satisfied, r.representable
(False, False)
>>> r.witness.value != 0
True
"""

import itertools
import numbers
import random
import time

import mpmath
import sympy

from ..errors import InputError, ShapeError, SymnetError
from .architectures import Neuron, RidgeSum, Tree, as_architecture
from .constraints import (_Derivatives, _det, _mi, _ridge_matrix_rows, _ridge_rows,
                              nonsingularity_conditions, pde_constraints)
from .zero import (_TRIG, BadPoint, Deadline, Formal, NotNumeric, NumEval, TooBig, exp_form,
                       is_clearly_nonzero, is_exactly_zero, prove_zero, run_limited, to_mp)

__all__ = ["check_pde", "PDECheck", "Witness"]

_DPS = 40            # digits of the probes
_DPS_HIGH = 100      # digits of the second round of probes
_REL_ZERO = mpmath.mpf(10) ** -25   # relative size below which a probe "looks zero"


# ---------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------
def _arch_inputs(arch):
    return arch.leaves if isinstance(arch, Tree) else arch.inputs


def _exact_floats(expr):
    floats = expr.atoms(sympy.Float)
    if not floats:
        return expr
    return expr.xreplace({fl: sympy.Rational(fl) for fl in floats})


def _as_expression(f, inputs):
    """``f`` (sympy expression, number, string or one-output Network) as an Expr.

    Returns ``(expr, parameters)``: free symbols other than the inputs are
    parameters.  Symbols named like an input (but with other assumptions)
    are identified with that input.
    """
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
                    f"the network's inputs {net_inputs} are not the architecture's inputs {tuple(inputs)}; "
                    "build the architecture on net.inputs"
                )
    elif isinstance(f, bool):
        raise InputError(f"f must be a sympy expression or a Network; got the bool {f!r}")
    elif isinstance(f, numbers.Number) and not isinstance(f, complex):
        expr = sympy.Rational(f) if isinstance(f, float) else sympy.sympify(f)
    elif isinstance(f, str):
        try:
            expr = sympy.sympify(f, locals={x.name: x for x in inputs})
        except (sympy.SympifyError, SyntaxError, TypeError, ValueError) as exc:
            from ..errors import FormatError

            raise FormatError(f"cannot read the function {f!r}: {exc}") from None
    else:
        raise InputError(
            "f must be a sympy expression (or a one-output symnet Network); got "
            f"{f!r} of type {type(f).__name__}"
        )
    if not isinstance(expr, sympy.Expr) or getattr(expr, "is_Matrix", False):
        raise InputError(f"f must be a scalar sympy expression; got {expr!r} of type {type(expr).__name__}")
    if expr.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise InputError(f"f must be a finite expression; got {expr}")
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


def _as_number(value, name):
    if isinstance(value, bool):
        raise InputError(f"the point's value for {name} must be a number; got {value!r}")
    if isinstance(value, float):
        return sympy.Rational(value)
    try:
        v = sympy.sympify(value, strict=True)
    except (sympy.SympifyError, TypeError):
        raise InputError(f"the point's value for {name} must be a number; got {value!r}") from None
    if not (isinstance(v, sympy.Expr) and v.is_number) or v.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise InputError(f"the point's value for {name} must be a finite number; got {value!r}")
    return _exact_floats(v)


def _parse_point(point, inputs, params):
    """The user's point as a dict Symbol -> exact number (parameters optional)."""
    if point is None:
        return None
    out = {}
    if isinstance(point, dict):
        names = {s.name: s for s in inputs + params}
        for key, value in point.items():
            sym = key if isinstance(key, sympy.Symbol) else names.get(key) if isinstance(key, str) else None
            if isinstance(sym, sympy.Symbol) and sym not in inputs + params and sym.name in names:
                sym = names[sym.name]
            if sym is None or sym not in inputs + params:
                raise InputError(f"the point gives a value for {key!r}, which is not an input of the "
                                 f"architecture {tuple(inputs)} nor a parameter of f")
            out[sym] = _as_number(value, sym)
        missing = [x for x in inputs if x not in out]
        if missing:
            raise ShapeError(f"the point must give a value for every input {tuple(inputs)}; missing {tuple(missing)}")
        return {s: out[s] for s in inputs + params if s in out}
    try:
        values = list(point)
    except TypeError:
        raise InputError(f"point must be a dict or a sequence of numbers; got {point!r}") from None
    if len(values) != len(inputs):
        raise ShapeError(
            f"the point must have one value per input {tuple(inputs)} ({len(inputs)} values); got {len(values)}"
        )
    for x, v in zip(inputs, values):
        out[x] = _as_number(v, x)
    return out


# ---------------------------------------------------------------------------
# values at a point
# ---------------------------------------------------------------------------
class _PointValues:
    """Exact and approximate values of the derivatives of F at one point."""

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
                raise NotNumeric(str(exc)) from None
            if got.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
                raise BadPoint(f"not defined at {self.user_point}")
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


class _Context:
    """Everything check_pde needs about ``f``: internal variables, derivatives, points."""

    def __init__(self, expr, inputs, params, seed):
        self.expr = expr
        self.inputs = tuple(inputs)
        self.params = tuple(params)
        self.real = {x: sympy.Dummy(x.name, real=True) for x in self.inputs + self.params}
        self.fr = expr.xreplace(self.real)
        self.rvars = tuple(self.real[x] for x in self.inputs)
        self.derivs = _Derivatives(self.fr, self.rvars)
        self.rng = random.Random(seed)
        self.rational = bool(self.fr.is_rational_function()) and all(
            a.is_Rational for a in self.fr.atoms(sympy.Number))
        self.numeric = True     # False once f cannot be evaluated numerically
        self.numeric_reason = None
        self.constants = sorted(
            {a for a in expr.atoms(sympy.NumberSymbol, sympy.Pow) if a.is_number and not a.is_Rational},
            key=sympy.default_sort_key,
        )

    def not_numeric_reason(self):
        undefined = sorted({str(a.func) for a in self.expr.atoms(sympy.core.function.AppliedUndef)})
        if undefined:
            return f"f contains undefined functions ({', '.join(undefined)}) and cannot be evaluated numerically"
        return "f cannot be evaluated numerically at rational points"

    def values_at(self, user_point, dps=_DPS):
        subs = {self.real[s]: v for s, v in user_point.items()}
        return _PointValues(self.derivs, subs, dict(user_point), dps, self.rational)

    def first_order(self):
        n = len(self.inputs)
        return [_mi(n, i) for i in range(n)]

    def _valid(self, pv, needed, require_real):
        for alpha in needed:
            v = pv.approx(alpha)
            if require_real and isinstance(v, mpmath.mpc):
                if abs(v.imag) > mpmath.mpf(10) ** (-pv.dps // 2) * max(1, abs(v.real)):
                    raise BadPoint("not real")
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
            except BadPoint:
                continue
            except NotNumeric:
                self.numeric = False
                self.numeric_reason = self.not_numeric_reason()
                break
            out.append(pv)
        return out


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


# ---------------------------------------------------------------------------
# result objects
# ---------------------------------------------------------------------------
def _fmt_point(point):
    return ", ".join(f"{sympy.sstr(k)} = {sympy.sstr(v)}" for k, v in point.items())


def _latex_point(point):
    return ", ".join(f"{sympy.latex(k)} = {sympy.latex(v)}" for k, v in point.items())


class Decomposition(dict):
    """The inner functions ``{node: h_v}`` of a tree decomposition.

    Keys are sub-Trees; a nested tuple or a spec string naming the node is
    accepted for lookup, e.g. ``d["(x,y)"]`` or ``d[(x, y)]``.
    """

    @staticmethod
    def _key(key):
        if isinstance(key, (str, tuple, list)):
            try:
                return Tree(key)
            except SymnetError:
                return key
        return key

    def __getitem__(self, key):
        return super().__getitem__(self._key(key))

    def __contains__(self, key):
        return super().__contains__(self._key(key))

    def get(self, key, default=None):
        return super().get(self._key(key), default)


class Witness:
    """A constraint that is nonzero at an exact rational point.

    Attributes
    ----------
    constraint : Constraint
    point : dict
        Symbol -> exact rational value (inputs, and parameters of ``f`` if any).
    value : sympy.Expr
        The exact value of the constraint at the point (proven nonzero).

    Examples
    --------
    >>> import sympy
    >>> from symnet import check_pde
    >>> x, y, z = sympy.symbols("x y z")
    >>> w = check_pde(x*y + y*z + x*z, "((x,y),z)").witness
    >>> w.value == sympy.expand(w.constraint.apply(x*y + y*z + x*z)).subs(w.point)
    True
    """

    __slots__ = ("constraint", "point", "_value", "_approx")

    def __init__(self, constraint, point, value, approx=None):
        self.constraint = constraint
        self.point = point
        self._value = value          # an exact number, or a callable building it
        self._approx = approx

    @property
    def value(self):
        """The exact value of the constraint at the point (nonzero)."""
        if callable(self._value):
            self._value = self._value()
        return self._value

    @property
    def value_n(self):
        """The value as a 15-digit Float."""
        if self._approx is None or (not callable(self._value) and self._value.is_Rational):
            return self.value.evalf(15)
        with mpmath.workdps(15):
            a = self._approx
            if isinstance(a, mpmath.mpc):
                return sympy.Float(a.real, 15) + sympy.I * sympy.Float(a.imag, 15)
            return sympy.Float(a, 15)

    def _short(self):
        """The exact value when it is short, else None."""
        if callable(self._value):
            return None  # not built yet: show the approximation
        return self.value if self.value.is_Rational or sympy.count_ops(self.value) <= 12 else None

    def __str__(self):
        lhs = str(self.constraint)
        lhs = lhs[:-4] if lhs.endswith(" = 0") else lhs
        short = self._short()
        if short is None:
            val = f"{sympy.sstr(self.value_n)} (approximately; the exact value is in .value)"
        elif short.is_Rational:
            val = sympy.sstr(short)
        else:
            val = f"{sympy.sstr(short)} = {sympy.sstr(self.value_n)}"
        return f"{lhs} = {val} != 0 at {_fmt_point(self.point)}"

    __repr__ = __str__

    def _repr_latex_(self):
        lhs = sympy.latex(self.constraint)
        lhs = lhs[:-4] if lhs.endswith(" = 0") else lhs
        short = self._short()
        val = sympy.latex(short) if short is not None else r"\approx " + sympy.latex(self.value_n)
        return f"${lhs} = {val} \\neq 0$ at ${_latex_point(self.point)}$"


class PDECheck:
    """The result of :func:`check_pde`.

    Attributes
    ----------
    f : sympy.Expr
        The function checked (a Network is replaced by its expression).
    arch : Tree, Neuron or RidgeSum
    constraints : list of Constraint
        The full set of constraints of ``arch``.
    status : list of str
        For each constraint: ``"proven"`` (identically zero), ``"violated"``
        (nonzero at an exact point), ``"nonzero"`` (numerically clearly
        nonzero; only the witness is confirmed exactly), ``"unproven"``
        or ``"unchecked"`` (not needed once a witness was found).
    satisfied : bool or None
        True: every constraint was proven identically zero.  False: a
        constraint is nonzero at an exact rational point (:attr:`witness`).
        None: undecided (:attr:`reason` says why).
    witness : Witness or None
    reason : str
        Why the answer is what it is (in particular when undecided).
    point : dict
        The exact point (Symbol -> number) where non-singularity is checked.
    nonsingular : bool or None
        Whether every non-singularity condition holds at :attr:`point`.
    nonsingularity_failures : list of Condition
        The conditions that fail at the point (None-valued ones are in
        :attr:`nonsingularity_unknown`).
    representable : bool or None
        Whether ``f`` is computed by ``arch`` near the point: True needs the
        constraints, non-singularity and, for ridge sums, real distinct
        directions; False when a constraint fails or the directions are
        complex or repeated; None when inconclusive.
    representable_reason : str
    decomposition : dict or None
        Trees: ``{node: h_v}``, the inner function of every non-root node
        with at least two leaves (``f`` with the variables outside the node
        frozen at the point), so that ``f = G(h_v, rest)`` near the point.
        Neurons: ``{"w": weights, "sigma": activation}``.
    directions : list or None
        Ridge sums and neurons: the directions ``(a_i, b_i)`` (neuron: ``w``).
    elapsed : float
        Seconds spent.

    Examples
    --------
    >>> import sympy
    >>> from symnet import check_pde
    >>> x, y, z = sympy.symbols("x y z")
    >>> r = check_pde(x*y + y*z, "((x,z),y)", point={x: 1, y: 2, z: 3})
    >>> r.satisfied, r.nonsingular, r.representable
    (True, True, True)
    >>> print(r)
    check_pde: f = x*y + y*z on the tree ((x, z), y)
      constraints: satisfied (1 of 1 proven identically zero)
      point: x = 1, z = 3, y = 2
      non-singular at the point: yes
      representable: yes (the constraints hold and every non-root node has a nonzero gradient at the point)
      decomposition:
        h_(x, z) = 2*x + 2*z
    """

    def __init__(self, **kw):
        self.f = kw["f"]
        self.arch = kw["arch"]
        self.parameters = kw.get("parameters", ())
        self.constraints = kw["constraints"]
        self.status = kw["status"]
        self.satisfied = kw["satisfied"]
        self.witness = kw.get("witness")
        self.reason = kw.get("reason", "")
        self.point = kw.get("point")
        self.nonsingular = kw.get("nonsingular")
        self.nonsingularity_failures = kw.get("nonsingularity_failures", [])
        self.nonsingularity_unknown = kw.get("nonsingularity_unknown", [])
        self.representable = kw.get("representable")
        self.representable_reason = kw.get("representable_reason", "")
        self.decomposition = kw.get("decomposition")
        self.directions = kw.get("directions")
        self.elapsed = kw.get("elapsed", 0.0)

    @property
    def violated(self):
        """The constraints found nonzero (the witness's one first)."""
        return [c for c, s in zip(self.constraints, self.status) if s in ("violated", "nonzero")]

    @property
    def unproven(self):
        """The constraints neither proven zero nor found nonzero."""
        return [c for c, s in zip(self.constraints, self.status) if s == "unproven"]

    @staticmethod
    def _word(value):
        return {True: "yes", False: "no", None: "undecided"}[value]

    def __str__(self):
        arch_kind = {Tree: "the tree", Neuron: "the neuron", RidgeSum: "the ridge sum"}[type(self.arch)]
        lines = [f"check_pde: f = {sympy.sstr(self.f)} on {arch_kind} {sympy.sstr(self.arch)}"]
        n = len(self.constraints)
        proven = self.status.count("proven")
        if self.satisfied is True:
            lines.append(f"  constraints: satisfied ({proven} of {n} proven identically zero)")
        elif self.satisfied is False:
            lines.append(f"  constraints: violated ({len(self.violated)} of {n} found nonzero)")
            lines.append(f"    witness: {self.witness}")
        else:
            lines.append(f"  constraints: undecided ({proven} of {n} proven zero, "
                         f"{len(self.unproven)} undecided): {self.reason}")
        if self.point is not None:
            lines.append(f"  point: {_fmt_point(self.point)}")
        ns = f"  non-singular at the point: {self._word(self.nonsingular)}"
        if self.nonsingularity_failures:
            ns += "; fails: " + "; ".join(str(c) for c in self.nonsingularity_failures)
        lines.append(ns)
        lines.append(f"  representable: {self._word(self.representable)} ({self.representable_reason})")
        if self.directions:
            lines.append("  directions: " + ", ".join(sympy.sstr(d) for d in self.directions))
        if self.decomposition:
            lines.append("  decomposition:")
            for k, v in self.decomposition.items():
                name = k if isinstance(k, str) else f"h_{sympy.sstr(k)}"
                lines.append(f"    {name} = {sympy.sstr(v)}")
        return "\n".join(lines)

    def __repr__(self):
        return (f"<PDECheck satisfied={self.satisfied} nonsingular={self.nonsingular} "
                f"representable={self.representable}>")

    def _repr_latex_(self):
        def text(s):
            special = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}",
                       "&": r"\&", "%": r"\%", "#": r"\#", "$": r"\$", "~": r"\~{}"}
            return r"\text{" + "".join(special.get(ch, ch) for ch in s) + "}"

        rows = [rf"{text('f = ')} {sympy.latex(self.f)}\quad {text('on')}\quad {sympy.latex(self.arch)}"]
        n = len(self.constraints)
        if self.satisfied is True:
            rows.append(text(f"constraints: satisfied ({self.status.count('proven')} of {n} proven zero)"))
        elif self.satisfied is False:
            w = self.witness
            lhs = sympy.latex(w.constraint)
            lhs = lhs[:-4] if lhs.endswith(" = 0") else lhs
            short = w._short()
            val = sympy.latex(short) if short is not None else r"\approx " + sympy.latex(w.value_n)
            rows.append(text("constraints: violated; witness: ") + f"{lhs} = {val} \\neq 0"
                        + text(" at ") + _latex_point(w.point))
        else:
            rows.append(text("constraints: undecided: " + self.reason))
        if self.point is not None:
            rows.append(text("point: ") + _latex_point(self.point))
        ns = text("non-singular: " + self._word(self.nonsingular))
        if self.nonsingularity_failures:
            ns += text("; fails: ") + ", ".join(sympy.latex(c) for c in self.nonsingularity_failures)
        rows.append(ns)
        rows.append(text(f"representable: {self._word(self.representable)} ({self.representable_reason})"))
        if self.decomposition:
            for k, v in self.decomposition.items():
                name = (r"\sigma" if k == "sigma" else k) if isinstance(k, str) else f"h_{{{sympy.latex(k)}}}"
                rows.append(f"{name} = {sympy.latex(v)}")
        return r"$\begin{array}{l}" + r" \\ ".join(rows) + r"\end{array}$"


# ---------------------------------------------------------------------------
# probes and proofs
# ---------------------------------------------------------------------------
def _probe(constraints, status, points):
    """Probe every constraint not yet decided at ``points``; return the first witness."""
    witness = None
    for idx, c in enumerate(constraints):
        if status[idx] != "unproven":
            continue
        for pv in points:
            try:
                with mpmath.workdps(pv.dps):
                    rows = [[pv.approx(a) for a in row] for row in c.multi_indices]
                    _, rel = _relative_size(rows)
            except (BadPoint, NotNumeric):
                continue
            if rel <= _REL_ZERO:
                continue
            if witness is None:
                proven, exact, approx = _confirm_nonzero(pv, c.multi_indices)
                if proven:
                    witness = Witness(c, dict(pv.user_point), exact, approx)
                    status[idx] = "violated"
                    break
                continue
            status[idx] = "nonzero"
            break
    return witness


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


def _prove_shared(ctx, constraints, todo, rewrite):
    """Formal proofs of the constraints ``todo`` at once, sharing the derivatives.

    Returns the indices proven.  It touches no shared state, so that a run
    abandoned at its time limit cannot change the answer afterwards.
    """
    proven = []
    if not todo:
        return proven
    alphas = sorted({a for i in todo for row in constraints[i].multi_indices for a in row})
    exprs = [ctx.derivs(a) for a in alphas]
    if rewrite:
        if not any(e.has(sympy.exp, *_TRIG) for e in exprs):
            return proven
        exprs = list(exp_form(sympy.Tuple(*exprs)).args)
    F = Formal(exprs)
    images = {}
    for i in todo:
        try:
            rows = []
            for row in constraints[i].multi_indices:
                for a in row:
                    if a not in images:
                        images[a] = F(exprs[alphas.index(a)])
                rows.append([images[a] for a in row])
            if F.is_zero(F.det(rows)):
                proven.append(i)
        except (TooBig, ZeroDivisionError):
            continue
    return proven


def _prove_all(ctx, constraints, status, timeout, info=None):
    """Exact proofs: shared formal passes first, then each constraint on its own.

    Returns the number of constraints left unproven; ``info["timed_out"]``
    records whether a time limit was reached.
    """
    for rewrite in (False, True):
        if "unproven" not in status:
            break
        todo = [i for i, st in enumerate(status) if st == "unproven"]
        try:
            finished, proven = run_limited(lambda: _prove_shared(ctx, constraints, todo, rewrite), timeout)
        except (TooBig, KeyError, ZeroDivisionError, RecursionError):
            finished, proven = True, []
        if not finished:
            if info is not None:
                info["timed_out"] = True
            continue
        for i in proven:
            status[i] = "proven"
    left = 0
    budget = Deadline(None if timeout is None else max(30.0, 10 * timeout))
    for idx, c in enumerate(constraints):
        if status[idx] != "unproven":
            continue
        if budget.expired():
            left += 1
            if info is not None:
                info["timed_out"] = True
            continue
        try:
            expr = c.evaluate(ctx.derivs)
        except Exception:  # pragma: no cover - differentiation errors
            left += 1
            continue
        limit = None if timeout is None else min(timeout, budget.remaining())
        if prove_zero(expr, limit, info) is True:
            status[idx] = "proven"
        else:
            left += 1
    return left


def _neuron_structural(ctx, points, timeout):
    """Prove ``F_j = q_j F_r`` with constants ``q_j``; returns the weight vector or None."""
    n = len(ctx.inputs)
    grads = ctx.first_order()
    for pv in points:
        try:
            approx = [pv.approx(a) for a in grads]
        except (BadPoint, NotNumeric):
            continue
        r = max(range(n), key=lambda i: abs(approx[i]))
        if approx[r] == 0:
            continue
        xsubs = {ctx.real[x]: pv.user_point[x] for x in ctx.inputs}
        exact = [ctx.derivs(a).xreplace(xsubs) for a in grads]
        w = []
        for j in range(n):
            if j == r:
                w.append(sympy.Integer(1))
                continue
            with mpmath.workdps(pv.dps):
                ratio = approx[j] / approx[r]
            q = _guess_constant(exact[j] / exact[r], ratio, ctx, allow_numeric=not ctx.params)
            if q is None:
                return None
            w.append(q)
        for j in range(n):
            if j == r:
                continue
            if prove_zero(ctx.derivs(grads[j]) - w[j] * ctx.derivs(grads[r]), timeout) is not True:
                return None
        back = {v: k for k, v in ctx.real.items()}
        return [wi.xreplace(back) for wi in w]
    return None


def _ridge_kernel(m, pv, exact=True):
    """Kernel vector of ``M_{m-1}`` at a point from an m-row subset with a nonzero minor.

    Returns ``(c_exact, c_approx, rows)`` or None when no nonzero minor is found.
    """
    rows = _ridge_rows(m - 1)
    mat = _ridge_matrix_rows(m, rows)
    with mpmath.workdps(pv.dps):
        approx = [[pv.approx(a) for a in row] for row in mat]
        best = None
        for combo in itertools.combinations(range(len(rows)), m):
            sub = [approx[i] for i in combo]
            cof = []
            for a in range(m + 1):
                minor = [[r[b] for b in range(m + 1) if b != a] for r in sub]
                cof.append((-1) ** a * _det(minor) if m > 0 else 1)
            norm = max(abs(v) for v in cof)
            bound = mpmath.mpf(1)
            for r in sub:
                bound *= mpmath.sqrt(sum(abs(v) ** 2 for v in r))
            rel = norm / bound if bound else mpmath.mpf(0)
            if best is None or rel > best[0]:
                best = (rel, combo, cof)
    if best is None or best[0] <= _REL_ZERO:
        return None
    _, combo, cof = best
    c_exact = None
    if exact:
        sub = [[pv.exact(a) for a in mat[i]] for i in combo]
        c_exact = []
        for a in range(m + 1):
            minor = [[r[b] for b in range(m + 1) if b != a] for r in sub]
            c_exact.append((-1) ** a * _det(minor))
    return c_exact, cof, [rows[i] for i in combo]


def _ridge_structural(ctx, m, points, timeout):
    """Prove ``sum_a c_a d_x^(m-a) d_y^a F == 0`` for a constant ``c``; return c or None."""
    for pv in points:
        try:
            got = _ridge_kernel(m, pv, exact=False)
        except (BadPoint, NotNumeric):
            continue
        if got is None:
            continue
        _, cof, rows = got
        # exact cofactors with the inputs substituted (parameters stay symbolic)
        xsubs = {ctx.real[x]: pv.user_point[x] for x in ctx.inputs}
        mat = _ridge_matrix_rows(m, rows)
        sub = [[ctx.derivs(a).xreplace(xsubs) for a in row] for row in mat]
        c_exact = []
        for a in range(m + 1):
            minor = [[r[b] for b in range(m + 1) if b != a] for r in sub]
            c_exact.append((-1) ** a * _det(minor))
        ref = max(range(m + 1), key=lambda a: abs(cof[a]))
        c = []
        for a in range(m + 1):
            if a == ref:
                c.append(sympy.Integer(1))
                continue
            with mpmath.workdps(pv.dps):
                ratio = cof[a] / cof[ref]
            if abs(ratio) < mpmath.mpf(10) ** -30 and is_exactly_zero(c_exact[a], 1.0):
                c.append(sympy.Integer(0))
                continue
            q = _guess_constant(c_exact[a] / c_exact[ref], ratio, ctx, allow_numeric=not ctx.params)
            if q is None:
                return None
            c.append(q)
        op = sympy.Add(*[c[a] * ctx.derivs((m - a, a)) for a in range(m + 1)])
        if prove_zero(op, timeout) is True:
            back = {v: k for k, v in ctx.real.items()}
            return [ca.xreplace(back) for ca in c]
        return None
    return None


# ---------------------------------------------------------------------------
# non-singularity
# ---------------------------------------------------------------------------
def _gradient_status(pv, alphas):
    """True if some derivative is provably nonzero, False if all are provably zero, else None."""
    try:
        with mpmath.workdps(pv.dps):
            approx = [pv.approx(a) for a in alphas]
    except (BadPoint, NotNumeric):
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


def _rank_status(m, pv):
    """Rank of ``M_{m-1}`` at the point equals m: True / False / None."""
    rows = _ridge_rows(m - 1)
    mat = _ridge_matrix_rows(m, rows)
    try:
        if pv.rational:
            return sympy.Matrix([[pv.exact(a) for a in row] for row in mat]).rank() == m
        with mpmath.workdps(pv.dps):
            approx = [[pv.approx(a) for a in row] for row in mat]
    except (BadPoint, NotNumeric):
        return None
    candidates = []
    with mpmath.workdps(pv.dps):
        for combo in itertools.combinations(range(len(rows)), m):
            for cols in itertools.combinations(range(m + 1), m):
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


def _nonsingularity(arch, ctx, pv, conditions):
    """Evaluate every condition at the point: (overall, failures, unknown)."""
    failures, unknown = [], []
    for cond in conditions:
        if cond.kind == "gradient":
            st = _gradient_status(pv, cond._gradient())
        else:
            st = _rank_status(cond.rank, pv)
        if st is False:
            failures.append(cond)
        elif st is None:
            unknown.append(cond)
    if failures:
        return False, failures, unknown
    if unknown:
        return None, failures, unknown
    return True, failures, unknown


def _prune_tree(tree, keep):
    """The tree restricted to the leaves in ``keep`` (None if nothing is left)."""
    kids = []
    for c in tree.children:
        if isinstance(c, Tree):
            sub = _prune_tree(c, keep)
            if sub is not None:
                kids.append(sub)
        elif c in keep:
            kids.append(c)
    if not kids:
        return None
    return Tree(tuple(kids))


# ---------------------------------------------------------------------------
# ridge sums: the real-distinct-directions inequality
# ---------------------------------------------------------------------------
def _classify_form(c, m):
    """Does ``sum_a c_a xi^(m-a) eta^a`` split into m distinct real linear factors?

    Returns ``(answer, reason, directions)``; directions ``(alpha, beta)`` are
    the roots, so that the ridge functions are ``f_i(alpha_i x + beta_i y)``.
    """
    t = sympy.Dummy("t")
    disc_note = ""
    if m == 2:
        alpha, beta, gamma = c
        disc = sympy.expand(beta ** 2 - 4 * alpha * gamma)
        disc_note = f"; with alpha F_xx + beta F_xy + gamma F_yy = 0, beta^2 - 4 alpha gamma = {sympy.sstr(disc)}"
    if all(sympy.sympify(ca).is_Rational for ca in c):
        poly = sympy.Poly(sum(ca * t ** a for a, ca in enumerate(c)), t, domain="QQ")
        d = poly.degree()
        at_infinity = m - d
        if poly.is_zero:
            return None, "the annihilating form vanishes", None
        if at_infinity >= 2:
            return False, "repeated direction: the annihilating operator has a repeated factor" + disc_note, None
        if not poly.is_sqf:
            return False, "repeated direction: the annihilating operator has a repeated factor" + disc_note, None
        real = poly.count_roots()
        if real < d:
            return False, "complex directions: the annihilating operator has no real factorisation" + disc_note, None
        roots = sympy.real_roots(poly)
        dirs = [sympy.Tuple(1, r) for r in roots] + ([sympy.Tuple(0, 1)] if at_infinity else [])
        what = "1 real direction" if m == 1 else f"{m} distinct real directions"
        return True, what + disc_note, dirs
    # irrational coefficients: decide numerically with guaranteed digits where possible
    if m == 2:
        sign = is_clearly_nonzero(disc)
        if sign:
            positive = disc.evalf(30, strict=True) > 0
            if positive:
                return True, "2 distinct real directions" + disc_note, None
            return False, "complex directions" + disc_note, None
        if is_exactly_zero(disc, 2.0):
            return False, "repeated direction" + disc_note, None
        return None, "could not decide the sign of the discriminant" + disc_note, None
    lead_zero = is_exactly_zero(c[m], 1.0) if not is_clearly_nonzero(c[m]) else None
    coeffs = list(c[:m]) if lead_zero else list(c)
    if lead_zero and not is_clearly_nonzero(coeffs[-1]):
        if is_exactly_zero(coeffs[-1], 1.0):
            return False, "repeated direction at infinity", None
        return None, "could not decide the directions", None
    if not lead_zero and not is_clearly_nonzero(c[m]):
        return None, "could not decide the directions", None
    try:
        with mpmath.workdps(60):
            cs = [mpmath.mpf(sympy.Float(ca.evalf(60), 60)) for ca in coeffs]
            roots1 = mpmath.polyroots(cs[::-1], maxsteps=200, extraprec=60)
        with mpmath.workdps(90):
            cs = [mpmath.mpf(sympy.Float(ca.evalf(90), 90)) for ca in coeffs]
            roots2 = mpmath.polyroots(cs[::-1], maxsteps=300, extraprec=90)
    except (mpmath.libmp.NoConvergence, TypeError, ValueError, ZeroDivisionError):
        return None, "could not locate the directions numerically", None
    with mpmath.workdps(60):
        roots1 = sorted([mpmath.mpc(r) for r in roots1], key=lambda z: (float(z.real), float(z.imag)))
        roots2 = sorted([mpmath.mpc(r) for r in roots2], key=lambda z: (float(z.real), float(z.imag)))
        err = max([abs(a - b) for a, b in zip(roots1, roots2)] + [mpmath.mpf(10) ** -50]) * 10
        for i, z in enumerate(roots1):
            others = [abs(z - w) for j, w in enumerate(roots1) if j != i]
            sep = min(others) if others else mpmath.inf
            if sep <= 2 * err:
                return None, "directions too close to separate numerically", None
            if abs(z.imag) > err:
                return False, "complex directions", None
    return True, f"{m} distinct real directions", None


# ---------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------
def check_pde(f, arch, *, point=None, timeout=5.0, seed=0):
    """Check exactly whether ``f`` satisfies the PDE constraints of ``arch``.

    Parameters
    ----------
    f : sympy.Expr or Network
        A function of the architecture's inputs (a one-output symnet
        Network is checked through ``f.expr()``).  Other free symbols are
        parameters: "satisfied" means identically in them, and probes give
        them random rational values too.  Floats are converted exactly to
        rationals.
    arch : Tree, Neuron, RidgeSum, str or tuple
        The architecture (a string or nested tuple is read as a Tree).
    point : dict or sequence, optional
        Where non-singularity is checked and the decomposition is
        anchored: a dict Symbol -> number or a sequence in the order of the
        inputs.  Default: a random rational point where ``f`` is defined.
    timeout : float or None, optional
        Time limit in seconds for the exact proof of each constraint
        (default 5); proofs stop altogether after ``max(30, 10 * timeout)``
        seconds, leaving the remaining constraints undecided.  ``None``: no
        limit.
    seed : int, optional
        Seed of the random rational points (results are reproducible).

    Returns
    -------
    PDECheck
        ``satisfied`` (True proven / False with an exact witness / None
        undecided with the reason), ``nonsingular``, ``representable``,
        ``decomposition`` (trees), ``directions`` (ridge sums, neurons).

    Notes
    -----
    Zero testing: each constraint is first evaluated at exact rational
    points at high precision; a clearly nonzero value is confirmed exactly
    (or with guaranteed digits) and returned as the witness.  Otherwise it
    is proven identically zero with exact rewriting (for a neuron or a ridge
    sum, by proving that one constant-coefficient linear PDE annihilates
    ``f``, which implies every constraint).  What is neither is undecided.

    The answer on representability is local, near :attr:`PDECheck.point`.
    For trees, leaves and unary nodes need no non-singularity condition;
    when a condition fails because ``f`` does not depend on some inputs at
    all, the tree is pruned of those inputs before concluding.

    Examples
    --------
    >>> import sympy
    >>> from symnet import Neuron, RidgeSum, check_pde
    >>> x, y, z = sympy.symbols("x y z")
    >>> check_pde(sympy.tanh(2*x - 3*y + z + 1), Neuron([x, y, z])).representable
    True
    >>> r = check_pde(x**4 - 6*x**2*y**2 + y**4, RidgeSum(2, [x, y]))
    >>> r.satisfied, r.representable
    (True, False)
    >>> r.representable_reason
    'complex directions: the annihilating operator has no real factorisation; with alpha F_xx + beta F_xy + gamma F_yy = 0, beta^2 - 4 alpha gamma = -4'
    """
    t0 = time.monotonic()
    arch = as_architecture(arch)
    inputs = _arch_inputs(arch)
    expr, params = _as_expression(f, inputs)
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise InputError(f"timeout must be a positive number of seconds or None; got {timeout!r}")
        timeout = float(timeout)
    user_point = _parse_point(point, inputs, params)
    constraints = pde_constraints(arch)
    conditions = nonsingularity_conditions(arch)
    ctx = _Context(expr, inputs, params, seed)
    status = ["unproven"] * len(constraints)

    # --- points -------------------------------------------------------------
    points = []
    p0 = None
    point_note = ""
    if user_point is not None:
        if params and any(a not in user_point for a in params):
            fill = _random_point(ctx.rng, [a for a in params if a not in user_point], True)
            user_point = {**user_point, **fill}
        p0 = ctx.values_at(user_point)
        try:
            ctx._valid(p0, [(0,) * len(inputs)] + ctx.first_order(), False)
        except BadPoint:
            point_note = "f or its derivatives are not defined at the point"
            p0 = None
        except NotNumeric:
            ctx.numeric = False
            ctx.numeric_reason = ctx.not_numeric_reason()
            p0 = None
        if p0 is not None:
            points.append(p0)
        randoms = ctx.random_points(1, ctx.first_order())
    else:
        randoms = ctx.random_points(2, ctx.first_order())
        if randoms:
            p0 = randoms[0]
    points.extend(randoms)
    if p0 is None and not point_note:
        point_note = ctx.numeric_reason or "no rational point where f is defined and real was found"
    if not ctx.numeric:
        point_note = ctx.numeric_reason

    # --- probes -------------------------------------------------------------
    witness = _probe(constraints, status, points) if points else None

    # --- proofs -------------------------------------------------------------
    directions = None
    structural = None
    reason = ""
    proof_info = {}
    if witness is None and constraints:
        if isinstance(arch, Neuron):
            structural = _neuron_structural(ctx, points, timeout)
        elif isinstance(arch, RidgeSum):
            structural = _ridge_structural(ctx, arch.m, points, timeout)
        if structural is not None:
            status = ["proven"] * len(constraints)
        else:
            _prove_all(ctx, constraints, status, timeout, proof_info)
        if "unproven" in status and ctx.numeric:
            extra = ctx.random_points(2, ctx.first_order())
            extra += ctx.random_points(2, ctx.first_order(), dps=_DPS_HIGH)
            witness = _probe(constraints, status, extra)
            points.extend(extra)
    if witness is not None:
        satisfied = False
        reason = "a constraint is nonzero at an exact rational point"
        status = [s if s != "unproven" else "unchecked" for s in status]
    elif "unproven" in status:
        satisfied = None
        n_left = status.count("unproven")
        why = f"{n_left} constraint(s) could not be proven identically zero"
        why += " within the time limit" if proof_info.get("timed_out") else " by the exact methods"
        if ctx.numeric and points:
            why += f", yet they vanish numerically at {len(points)} rational point(s)"
        elif not ctx.numeric:
            why += f"; {ctx.numeric_reason}"
        reason = why
    else:
        satisfied = True
        reason = "every constraint is identically zero" if constraints else "the architecture imposes no constraint"

    # --- non-singularity ------------------------------------------------------
    if p0 is not None:
        nonsingular, failures, unknown = _nonsingularity(arch, ctx, p0, conditions)
    else:
        nonsingular, failures, unknown = None, [], list(conditions)
    point_out = dict(p0.user_point) if p0 is not None else user_point

    # --- representability ----------------------------------------------------
    decomposition = None
    constant = None

    def is_constant():
        nonlocal constant
        if constant is None:
            constant = all(prove_zero(ctx.derivs(a), timeout) is True for a in ctx.first_order())
        return constant

    if satisfied is False:
        representable, rep_reason = False, "a constraint fails, and every function the architecture computes satisfies it"
    elif satisfied is None:
        representable, rep_reason = None, "the constraints are undecided"
    elif p0 is None:
        representable, rep_reason = None, "non-singularity could not be checked: " + (point_note or "no point")
    elif isinstance(arch, Tree):
        representable, rep_reason, decomposition = _tree_representable(arch, ctx, p0, nonsingular, timeout)
    elif isinstance(arch, Neuron):
        if nonsingular:
            representable, rep_reason = True, "the gradient is parallel to a constant vector near the point"
            if structural is not None:
                directions = [sympy.Tuple(*structural)]
                decomposition = _neuron_decomposition(expr, inputs, structural, p0.user_point)
        elif is_constant():
            representable, rep_reason = True, "f does not depend on the inputs"
        else:
            representable, rep_reason = None, "the gradient vanishes at the point: inconclusive there"
    else:
        representable, rep_reason, directions = _ridge_representable(
            arch, ctx, expr, p0, nonsingular, structural, timeout, seed, is_constant)

    return PDECheck(
        f=expr, arch=arch, parameters=params, constraints=constraints, status=status,
        satisfied=satisfied, witness=witness, reason=reason, point=point_out,
        nonsingular=nonsingular, nonsingularity_failures=failures, nonsingularity_unknown=unknown,
        representable=representable, representable_reason=rep_reason,
        decomposition=decomposition, directions=directions, elapsed=time.monotonic() - t0,
    )


def _tree_decomposition(tree, expr, point):
    out = Decomposition()
    for v in tree.internal_nodes():
        if v is tree or len(v.leaves) < 2:
            continue
        inside = set(v.leaves)
        out[v] = expr.xreplace({x: point[x] for x in tree.leaves if x not in inside})
    return out


def _tree_representable(tree, ctx, p0, nonsingular, timeout):
    point = {x: p0.user_point[x] for x in ctx.inputs}
    if nonsingular:
        return (True, "the constraints hold and every non-root node has a nonzero gradient at the point",
                _tree_decomposition(tree, ctx.expr, point))
    # prune the inputs f does not depend on, then re-check non-singularity
    n = len(ctx.inputs)
    keep = []
    for i, x in enumerate(ctx.inputs):
        st = _gradient_status(p0, [_mi(n, i)])
        if st is True or prove_zero(ctx.derivs(_mi(n, i)), timeout) is not True:
            keep.append(x)
    if len(keep) == n:
        if nonsingular is False:
            return None, "a non-singularity condition fails at the point: inconclusive there", None
        return None, "non-singularity could not be decided at the point", None
    if not keep:
        return True, "f does not depend on the inputs", Decomposition()
    pruned = _prune_tree(tree, set(keep))
    sub_ctx = _Context(ctx.expr, tuple(pruned.leaves), ctx.params + tuple(x for x in ctx.inputs if x not in keep), 0)
    sub_pv = sub_ctx.values_at(p0.user_point)
    ok, _, _ = _nonsingularity(pruned, sub_ctx, sub_pv, nonsingularity_conditions(pruned))
    dropped = ", ".join(str(x) for x in ctx.inputs if x not in keep)
    if ok:
        return (True, f"f does not depend on {dropped}; on the pruned tree {pruned} every non-root node "
                      "has a nonzero gradient at the point",
                _tree_decomposition(pruned, ctx.expr, point))
    return None, f"f does not depend on {dropped}, and a non-singularity condition of the pruned tree fails", None


def _neuron_decomposition(expr, inputs, w, point):
    t = sympy.Symbol("t")
    w_vec = sympy.Matrix(w)
    p = sympy.Matrix([point[x] for x in inputs])
    norm2 = (w_vec.T * w_vec)[0]
    base = p - (w_vec.T * p)[0] * w_vec / norm2
    line = {x: base[i] + t * w_vec[i] / norm2 for i, x in enumerate(inputs)}
    return {"w": sympy.Tuple(*w), "sigma": sympy.Lambda(t, expr.xreplace(line))}


def _ridge_representable(arch, ctx, expr, p0, nonsingular, structural, timeout, seed, is_constant):
    m = arch.m
    if nonsingular:
        if structural is not None:
            c = structural
        else:
            got = _ridge_kernel(m, p0)
            if got is None:
                return None, "could not compute the annihilating operator at the point", None
            c = [sympy.nsimplify(ci) if ci.is_Rational else ci for ci in got[0]]
        if any(ci.free_symbols for ci in c):
            return None, "the annihilating operator depends on the parameters of f", None
        ans, why, dirs = _classify_form(c, m)
        return ans, why, dirs
    if is_constant():
        return True, "f does not depend on the inputs", None
    for smaller in range(m - 1, 0, -1):
        sub = check_pde(expr, RidgeSum(smaller, arch.inputs), point=dict(p0.user_point), timeout=timeout, seed=seed)
        if sub.representable:
            return (True, f"degenerate kernel for m = {m}, but f is a sum of {smaller} ridge function(s)",
                    sub.directions)
        if sub.satisfied is not True:
            break
    what = f"rank M_{m - 1} < {m}" if nonsingular is False else f"rank M_{m - 1} = {m} could not be decided"
    return None, (f"degenerate kernel: {what} at the point, so the annihilating operator is not "
                  "unique; inconclusive"), None

"""Training as equation solving: every weight vector whose coefficients match a target.

:func:`solve_weights` solves the equations of
:func:`~symnet.fit.coefficient_equations` exactly (a Groebner basis with
sympy: the number of solutions, or the dimension of the solution set and a
parametrisation, or a certificate of inconsistency) or numerically
(multi-start Levenberg-Marquardt, distinct solutions clustered, each checked
by expanding the network it gives).  Solutions related by a symmetry of the
architecture (hidden-unit permutations, sign flips of odd activations) are
reported once per orbit with the orbit's size, while ``.solutions`` lists
every one.

Examples
--------
>>> import sympy
>>> from symnet import Network
>>> from symnet.fit import solve_weights
>>> a, w, c, x = sympy.symbols("a w c x")
>>> net = Network.dense([[[w]], [[a]]], biases=[[0], [c]], inputs=[x],
...                     activations=["tanh", "identity"])
>>> res = solve_weights(net, 2*x - 2*x**3/3, 3)
>>> res.solutions
[{w: -1, a: -2, c: 0}, {w: 1, a: 2, c: 0}]
>>> print(res)  # doctest: +NORMALIZE_WHITESPACE
solve_weights (exact, Groebner basis): 3 equations in 3 unknowns (w, a, c), order 3
finite: 2 real solutions in 1 orbit; 0 non-real
symmetries: sign flip of h1_1 (tanh is odd)
orbit  size  w  a  c  residual
    1     2  1  2  0         0
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np
import sympy

from .._validate import as_int, as_seconds
from ..alarm import AlarmExpired, alarm_usable, call_with_alarm
from ..errors import ArgumentError, NotSupportedError, ResourceError, SymnetError
from ..expand import expand
from .equations import System, check_template, series_is_taylor, unknowns_of
from .symmetries import architecture_symmetries, float_key

__all__ = ["solve_weights", "WeightSolutions"]


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------

@dataclass
class Orbit:
    """One orbit of solutions under the architecture's symmetries.

    Attributes
    ----------
    representative : dict
        One solution ``{Symbol: value}`` (the largest in lexicographic order
        of the unknowns' values).
    size : int or None
        Number of distinct solutions in the orbit (None: more than the limit).
    members : list of dict
        Every solution of the orbit (just the representative when ``size`` is None).
    residual : float
        Largest ``|c_alpha(W) - t_alpha|`` at the representative (relative to
        ``max(1, max |t_alpha|)``), 0 for exact solutions.
    hits : int
        Numeric: how many starts converged into this orbit.
    local_dimension : int or None
        Numeric: unknowns minus the rank of the Jacobian there (> 0: the
        solution lies on a family, not isolated).  Exact families: the
        number of free parameters.
    check : float or None
        The largest coefficient error of the network ``net.subs(solution)``
        expanded again (numeric), 0 when verified exactly.
    taylor_check : float or None
        Series mode with hidden biases only: the largest error of the
        *Taylor* coefficients of ``net.subs(solution)`` (the network itself,
        not its series polynomial) against the target; None where they are
        the same or the solution has free parameters.
    is_solution : bool
        False for a least-squares minimiser that solves nothing (numeric).
    """

    representative: dict
    size: int | None
    members: list
    residual: float = 0.0
    hits: int = 0
    local_dimension: int | None = 0
    check: float | None = None
    is_solution: bool = True
    taylor_check: float | None = None


@dataclass
class WeightSolutions:
    """What :func:`solve_weights` found: every solution, the orbits and a report.

    Attributes
    ----------
    solutions : list of dict
        Every solution ``{Symbol: value}``, symmetric ones included; ``[]``
        when there is none (an inconsistent system, or no real solution, or
        numeric search found none).  For a positive-dimensional solution set
        (``dimension > 0``) each dict is a family: its values contain the
        free unknowns, which are the parameters.
    unknowns : tuple of Symbol
    method : str
    status : str
        ``"finite"``, ``"family"``, ``"inconsistent"``, ``"no real solution"``
        (exact), ``"solved"``, ``"approximate"`` (numeric: no start reached
        the tolerance; see :attr:`best`).
    dimension : int or None
        Exact: dimension of the complex solution set (0 finite, -1
        inconsistent).  Numeric: the largest local dimension seen.
    orbits : list of Orbit
    symmetries : list of str
        The symmetries factored out.
    broken_symmetries : list of str
        Symmetries the weight structure breaks (fixed nonzero or tied weights).
    equations : int
        Number of equations that are not identically zero.
    certificate : object
        Exact and inconsistent: the reduced Groebner basis ``[1]`` (or the
        equation ``0 = t``); None otherwise.
    groebner : sympy GroebnerBasis or None
    degree : int or None
        Exact, finite: the number of complex solutions counted with multiplicity.
    n_complex : int
        Exact: the number of non-real solutions (not in ``solutions``).
    complex_solutions : list of dict
        Exact: those non-real solutions.
    best : dict or None
        Numeric: the point of smallest residual (a least-squares fit when
        nothing solves the system exactly).
    best_residual : float or None
    starts, converged : int
        Numeric: starts tried, starts that reached the tolerance.
    seconds : float

    Examples
    --------
    >>> import sympy
    >>> from symnet import Network
    >>> from symnet.fit import solve_weights
    >>> res = solve_weights(Network.mlp([1, 1, 1], activation=["tanh", "identity"]),
    ...                     "2*x1 - 2*x1**3/3", 3)
    >>> res
    <WeightSolutions exact: finite, 2 solutions in 1 orbit>
    >>> res.orbits[0].representative, res.orbits[0].size
    ({w1_1_1: 1, b1_1: 0, w2_1_1: 2, b2_1: 0}, 2)
    >>> print(sympy.latex(res).splitlines()[1])
    \\text{finite: 2 real solutions in 1 orbit; 0 non-real} \\\\
    """

    solutions: list
    unknowns: tuple
    method: str
    status: str
    dimension: int | None
    orbits: list
    symmetries: list
    broken_symmetries: list
    equations: int
    order: int
    template: object = field(repr=False, default=None)
    certificate: object = None
    groebner: object = field(repr=False, default=None)
    degree: int | None = None
    n_complex: int = 0
    complex_solutions: list = field(default_factory=list)
    best: dict | None = None
    best_residual: float | None = None
    starts: int = 0
    converged: int = 0
    seconds: float = 0.0
    notes: list = field(default_factory=list)

    def __len__(self):
        return len(self.solutions)

    def __iter__(self):
        return iter(self.solutions)

    def __getitem__(self, i):
        return self.solutions[i]

    def network(self, i=0):
        """The template with solution ``i`` substituted (``net.subs(solutions[i])``).

        Examples
        --------
        >>> import sympy
        >>> from symnet import Network
        >>> from symnet.fit import solve_weights
        >>> a, w = sympy.symbols("a w")
        >>> net = Network.dense([[[w]], [[a]]], activations=["tanh", "identity"])
        >>> solve_weights(net, {(1,): 2, (3,): sympy.Rational(-2, 3)}, 3).network(1).expr()
        2*tanh(x1)
        """
        if not self.solutions:
            raise ArgumentError(f"there is no solution (status: {self.status})")
        return self.template.subs(self.solutions[i])

    def networks(self):
        """One network per orbit (its representative).

        Examples
        --------
        >>> from symnet import Network
        >>> from symnet.fit import solve_weights
        >>> net = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
        >>> [n.expr() for n in solve_weights(net, "2*x1 - 2*x1**3/3", 3).networks()]
        [2*tanh(x1)]
        """
        return [self.template.subs(o.representative) for o in self.orbits if o.is_solution]

    # -- printing --------------------------------------------------------------
    def _head(self):
        how = {"exact": "exact, Groebner basis",
               "numeric": f"numeric, {self.starts} Levenberg-Marquardt starts"}[self.method]
        names = ", ".join(str(u) for u in self.unknowns)
        return (f"solve_weights ({how}): {self.equations} equations in {len(self.unknowns)} "
                f"unknowns ({names}), order {self.order}")

    def _summary(self):
        n_orb = sum(1 for o in self.orbits if o.is_solution)
        orb = f"{n_orb} orbit{'s' if n_orb != 1 else ''}"
        if self.status == "inconsistent":
            return "inconsistent: the reduced Groebner basis is [1] (no complex solution)"
        if self.status == "no real solution":
            return (f"no real solution: {self.n_complex} non-real solution"
                    f"{'s' if self.n_complex != 1 else ''}")
        if self.status == "finite":
            return (f"finite: {len(self.solutions)} real solution"
                    f"{'s' if len(self.solutions) != 1 else ''} in {orb}; "
                    f"{self.n_complex} non-real")
        if self.status == "family":
            return (f"positive-dimensional: the solution set has dimension {self.dimension}; "
                    f"{len(self.solutions)} famil{'ies' if len(self.solutions) != 1 else 'y'} "
                    "(parameters: the unknowns left free)")
        if self.status == "solved":
            dim = "" if not self.dimension else \
                f"; local dimension up to {self.dimension} (not isolated)"
            k = len(self.solutions)
            return (f"solved: {k} solution{'s' if k != 1 else ''}"
                    f" in {orb} from {self.converged} of {self.starts} converged starts{dim}")
        return (f"approximate: no start reached the tolerance; best residual "
                f"{_fmt(self.best_residual)} (a least-squares fit, not a solution)")

    def _rows(self):
        fam = self.status == "family"
        cols = (["family", "dim"] if fam else ["orbit", "size"]) + \
            [str(u) for u in self.unknowns] + ["residual"]
        if self.method == "numeric":
            cols += ["hits", "check"]
        rows = []
        for k, o in enumerate(self.orbits, 1):
            r = [str(k), str(o.local_dimension) if fam else
                 ("?" if o.size is None else str(o.size))]
            r += [_fmt(o.representative.get(u, u)) for u in self.unknowns]
            r += [_fmt(o.residual)]
            if self.method == "numeric":
                r += [str(o.hits), "-" if o.check is None else _fmt(o.check)]
            rows.append(r)
        return cols, rows

    def _sympystr(self, printer=None):
        lines = [self._head(), self._summary()]
        if self.symmetries:
            lines.append("symmetries: " + ", ".join(self.symmetries))
        if self.broken_symmetries:
            lines.append("broken by the weight structure: " + ", ".join(self.broken_symmetries))
        if self.status == "inconsistent" and self.certificate is not None:
            lines.append(f"certificate: {self.certificate}")
        lines.extend(self.notes)
        cols, rows = self._rows()
        if rows:
            widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
            lines.append("  ".join(c.rjust(w) for c, w in zip(cols, widths)).rstrip())
            for r in rows:
                lines.append("  ".join(v.rjust(w) for v, w in zip(r, widths)).rstrip())
        return "\n".join(lines)

    def _latex(self, printer=None):
        p = printer._print if printer is not None else sympy.latex
        cols = ["\\text{orbit}", "\\text{size}"] + [p(u) for u in self.unknowns] + \
            ["\\text{residual}"]
        body = []
        for k, o in enumerate(self.orbits, 1):
            vals = [str(k), "?" if o.size is None else str(o.size)]
            for u in self.unknowns:
                v = o.representative.get(u, u)
                vals.append(_fmt(v) if isinstance(v, float) else p(v))
            vals.append(_fmt(o.residual))
            body.append(" & ".join(vals))
        head = f"\\text{{{_tex_escape(self._summary())}}}"
        if not body:
            return head
        table = ("\\begin{array}{" + "r" * len(cols) + "}\n" + " & ".join(cols) +
                 " \\\\ \\hline\n" + " \\\\\n".join(body) + "\n\\end{array}")
        return "\\begin{gathered}\n" + head + " \\\\\n" + table + "\n\\end{gathered}"

    def _repr_latex_(self):
        return "$\\displaystyle " + self._latex() + "$"

    def __str__(self):
        return self._sympystr()

    def __repr__(self):
        k = len(self.solutions)
        m = sum(1 for o in self.orbits if o.is_solution)
        return (f"<WeightSolutions {self.method}: {self.status}, {k} solution{'s' * (k != 1)} "
                f"in {m} orbit{'s' * (m != 1)}>")


def _tex_escape(s):
    return s.replace("_", "\\_").replace("%", "\\%").replace("&", "\\&")


def _fmt(v):
    if v is None:
        return "-"
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if v == 0:
            return "0"
        return f"{v:.6g}"
    return str(v)


# ---------------------------------------------------------------------------
# numeric evaluation of a polynomial system (values and Jacobian, numpy)
# ---------------------------------------------------------------------------

class _PolyEval:
    """``f(x)`` and ``J(x)`` of polynomials in ``n`` unknowns, from their terms.

    Each monomial is stored as its (at most ``R``) variables and exponents,
    so values and derivatives are a few gathers from a table of powers.
    """

    def __init__(self, exprs, unknowns):
        n = len(unknowns)
        index = {}
        rows = []
        for f in exprs:
            P = sympy.Poly(f, *unknowns)
            row = []
            for e, c in P.terms():
                k = index.setdefault(e, len(index))
                row.append((k, float(c)))
            rows.append(row)
        mons = list(index)
        K = len(mons)
        self.C = np.zeros((len(exprs), K))
        for i, row in enumerate(rows):
            for k, c in row:
                self.C[i, k] += c
        R = max((sum(1 for e in m if e) for m in mons), default=0)
        R = max(R, 1)
        self.VAR = np.zeros((K, R), dtype=np.intp)
        self.EXP = np.zeros((K, R), dtype=np.intp)
        for k, m in enumerate(mons):
            nz = [(j, e) for j, e in enumerate(m) if e]
            for s, (j, e) in enumerate(nz):
                self.VAR[k, s] = j
                self.EXP[k, s] = e
        self.EXPm1 = np.maximum(self.EXP - 1, 0)
        self.flat = (np.arange(K)[:, None] * n + self.VAR).ravel()
        self.maxdeg = int(self.EXP.max()) if K else 0
        self.n, self.K, self.R = n, K, R

    def _powers(self, x):
        pw = np.empty((self.maxdeg + 1, self.n))
        pw[0] = 1.0
        for e in range(1, self.maxdeg + 1):
            pw[e] = pw[e - 1] * x
        return pw

    def __call__(self, x):
        G = self._powers(x)[self.EXP, self.VAR]
        return self.C @ G.prod(axis=1)

    def jac(self, x):
        pw = self._powers(x)
        G = pw[self.EXP, self.VAR]
        dG = self.EXP * pw[self.EXPm1, self.VAR]
        R = self.R
        pre = np.ones_like(G)
        suf = np.ones_like(G)
        for s in range(1, R):
            pre[:, s] = pre[:, s - 1] * G[:, s - 1]
            suf[:, R - 1 - s] = suf[:, R - s] * G[:, R - s]
        vals = (dG * pre * suf).ravel()
        D = np.bincount(self.flat, weights=vals, minlength=self.K * self.n)
        return self.C @ D.reshape(self.K, self.n)


class _LambdaEval:
    """The same for non-polynomial equations (Taylor mode with hidden biases)."""

    def __init__(self, exprs, unknowns):
        M = sympy.Matrix(exprs)
        self._f = sympy.lambdify([unknowns], list(exprs), "numpy")
        self._j = sympy.lambdify([unknowns], M.jacobian(unknowns), "numpy")
        self.n = len(unknowns)
        self.m = len(exprs)

    def __call__(self, x):
        return np.asarray(self._f(x), dtype=float).reshape(self.m)

    def jac(self, x):
        return np.asarray(self._j(x), dtype=float).reshape(self.m, self.n)


# ---------------------------------------------------------------------------
# time limits
# ---------------------------------------------------------------------------

def _limited(fn, seconds, what):
    """Run ``fn()``; ResourceError when it takes longer than ``seconds``.

    ``seconds`` may be a :class:`_Budget` shared by several steps (each gets
    what is left).  Uses :func:`symnet.alarm.call_with_alarm`; where no alarm
    can be set (not the main thread, or another timer running) the call is
    not limited.
    """
    total = seconds
    if isinstance(seconds, _Budget):
        total, seconds = seconds.seconds, seconds.left()
        if seconds <= 0:
            raise ResourceError(f"{what} was not started: the timeout of {total:g} s was used "
                                "by the steps before it; use method='numeric', or a larger "
                                "timeout")
    if seconds is None or not alarm_usable():
        return fn()
    try:
        return call_with_alarm(fn, seconds)
    except AlarmExpired:
        raise ResourceError(f"{what} did not finish within {total:g} s (the timeout of the "
                            "exact solve); use method='numeric', or a larger timeout") from None


class _Budget:
    """One timeout shared by the steps of an exact solve."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = None if seconds is None else time.monotonic() + seconds

    def left(self):
        return None if self.end is None else self.end - time.monotonic()


# ---------------------------------------------------------------------------
# exact
# ---------------------------------------------------------------------------

def _leading_monomials(G):
    out = []
    for g in G.polys:
        out.append(g.monoms(order="grevlex")[0])
    return out


def _dimension(lms, n):
    """Krull dimension of the ideal from the leading monomials of a Groebner basis.

    Returns ``(dim, independent)``: a largest set of variable indices no leading
    monomial lives on (the parameters of the solution set), or ``(-1, ())`` for
    the unit ideal.  Later variables (the output layer's weights) are preferred
    as the dependent ones: they usually enter linearly.
    """
    supports = {frozenset(i for i, e in enumerate(m) if e) for m in lms}
    if frozenset() in supports:
        return -1, ()
    forced = set()
    for s in supports:
        if len(s) == 1:
            forced |= s
    rest = [s for s in supports if not (s & forced)]
    free = sorted(set().union(*rest) if rest else set(), reverse=True)
    for k in range(len(free) + 1):  # smallest extra hitting set
        for T in itertools.combinations(free, k):
            T = set(T)
            if all(s & T for s in rest):
                independent = tuple(i for i in range(n) if i not in forced and i not in T)
                return len(independent), independent
    return 0, ()  # pragma: no cover - the set of all free variables always hits


def _count_standard(lms, n, limit=100_000):
    """Number of monomials no leading monomial divides (finite for dimension 0)."""
    count = 0
    stack = [(0,) * n]
    seen = {stack[0]}
    while stack:
        m = stack.pop()
        if any(all(a >= b for a, b in zip(m, lm)) for lm in lms):
            continue
        count += 1
        if count > limit:
            return None
        for i in range(n):
            q = m[:i] + (m[i] + 1,) + m[i + 1:]
            if q not in seen:
                seen.add(q)
                stack.append(q)
    return count


def _is_real(v):
    r = v.is_real
    if r is not None:
        return bool(r)
    z = sympy.N(v, 30)
    return abs(sympy.im(z)) < sympy.Float(10) ** -20


def _sort_key_exact(vals):
    return tuple(float(sympy.re(sympy.N(v))) for v in vals)


def _solve_exact(system, exprs, sym, timeout, max_orbit, result):
    unknowns = system.unknowns
    n = len(unknowns)
    for f in exprs:
        if f.is_number:  # 0 = t with t != 0: inconsistent at once
            e = next(e for e, g in system.residuals() if g == f)
            result.status = "inconsistent"
            result.dimension = -1
            result.certificate = sympy.Eq(system.lhs[e], system.rhs[e], evaluate=False)
            result.notes.append(f"the coefficient of {system.label(e)} is {system.lhs[e]} for "
                                f"every weight, the target's is {system.rhs[e]}")
            return
    timeout = _Budget(timeout)   # one timeout for all the steps below
    what = f"the Groebner basis of {len(exprs)} equations in {n} unknowns"
    G = _limited(lambda: sympy.groebner(exprs, *unknowns, order="grevlex"), timeout, what)
    result.groebner = G
    if list(G.exprs) == [1]:
        result.status = "inconsistent"
        result.dimension = -1
        result.certificate = G
        return
    lms = _leading_monomials(G)
    dim, _ = _dimension(lms, n)
    result.dimension = dim
    if dim == 0:
        result.degree = _count_standard(lms, n)
        tuples = _limited(lambda: _finite_solutions(G, unknowns), timeout,
                          "solving the zero-dimensional system")
        real = [t for t in tuples if all(_is_real(v) for v in t)]
        result.n_complex = len(tuples) - len(real)
        result.complex_solutions = [dict(zip(unknowns, t)) for t in tuples if t not in real]
        real.sort(key=_sort_key_exact)
        result.solutions = [dict(zip(unknowns, t)) for t in real]
        result.status = "finite" if real else "no real solution"
        result.orbits = _exact_orbits(real, unknowns, sym, max_orbit)
        return
    fams = _limited(lambda: _families(list(G.exprs), unknowns, 2), timeout,
                    "parametrising the solution set")
    sols = []
    for full in fams:
        if any(v.has(sympy.I) for v in full.values()):
            result.n_complex += 1
            result.complex_solutions.append(full)
            continue
        sols.append(full)
    good = _limited(lambda: [s for s in sols if all(_vanishes(f, s) for f in exprs)], timeout,
                    "checking the families")
    if len(good) < len(sols):  # pragma: no cover - sympy's output is checked, never trusted
        result.notes.append(f"{len(sols) - len(good)} candidate families from sympy.solve did "
                            "not satisfy the equations and were dropped")
    sols = good
    ok = True
    result.solutions = sols
    result.status = "family"
    result.notes.append("each family holds where its denominators do not vanish; the cases "
                        "where one does are solved again and listed as further families")
    if not sols:
        result.notes.append("sympy found no real parametrisation of the solution set")
    for s in sols:
        params = set().union(*(v.free_symbols for v in s.values())) & set(unknowns)
        result.orbits.append(Orbit(s, 1, [s], 0.0, 0, len(params), 0.0 if ok else None))


def _families(exprs, unknowns, depth):
    """Parametrised solutions (sympy.solve for the dependent unknowns), and again where a
    denominator of one vanishes.

    ``exprs`` is a Groebner basis.  The parameters are a largest independent set of
    unknowns (from the leading monomials), so sympy solves a system that is finite
    over them.
    """
    G = sympy.groebner(exprs, *unknowns, order="grevlex")
    if list(G.exprs) == [1]:
        return []
    _, independent = _dimension(_leading_monomials(G), len(unknowns))
    targets = [u for i, u in enumerate(unknowns) if i not in independent]
    # check=False: sympy's own check simplifies every candidate (slow); every family is
    # verified by substitution afterwards instead
    found = sympy.solve(list(G.exprs), targets, dict=True, check=False)
    if not found:
        found = sympy.solve(list(G.exprs), targets, dict=True)
    out, seen = [], set()
    for d in found:
        full = {u: _tidy(d.get(u, u)) for u in unknowns}
        key = tuple(full[u] for u in unknowns)
        if key in seen:
            continue
        seen.add(key)
        out.append(full)
        if depth <= 0:
            continue
        dens = set()
        for v in full.values():
            for fac, _ in sympy.factor_list(sympy.denom(sympy.together(v)))[1]:
                if fac.free_symbols:
                    dens.add(fac)
        for fac in sorted(dens, key=sympy.default_sort_key):
            for sub in _families(list(G.exprs) + [fac], unknowns, depth - 1):
                key = tuple(sub[u] for u in unknowns)
                if key not in seen:
                    seen.add(key)
                    out.append(sub)
    return out


def _tidy(v):
    """A rational function in lowest terms, factored; anything else simplified."""
    v = sympy.sympify(v)
    if v.is_rational_function():
        return sympy.factor(sympy.cancel(v))
    return sympy.simplify(v)


def _vanishes(f, s):
    """``f`` is identically zero after substituting the family ``s``."""
    e = f.subs(s, simultaneous=True)
    if e.is_rational_function():
        return sympy.cancel(sympy.together(e)) == 0
    return sympy.simplify(e) == 0


def _finite_solutions(G, unknowns):
    try:
        sols = sympy.solve_poly_system(list(G.exprs), *unknowns)
    except (NotImplementedError, sympy.PolynomialError):
        sols = None
    if sols is None:
        ds = sympy.solve(list(G.exprs), list(unknowns), dict=True)
        sols = [tuple(d[u] for u in unknowns) for d in ds]
    out, seen = [], set()
    for t in sols:
        t = tuple(sympy.nsimplify(v) if v.is_Rational else v for v in t)
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def _exact_orbits(points, unknowns, sym, max_orbit):
    remaining = {tuple(p): p for p in points}
    orbits = []
    for p in points:
        key = tuple(p)
        if key not in remaining:
            continue
        members = sym.orbit(list(p), limit=max_orbit) if sym else [list(p)]
        found = [m for m in (members or [list(p)]) if tuple(m) in remaining]
        for m in found:
            remaining.pop(tuple(m), None)
        found.sort(key=_sort_key_exact, reverse=True)
        rep = dict(zip(unknowns, found[0]))
        orbits.append(Orbit(rep, len(found), [dict(zip(unknowns, m)) for m in found],
                            0.0, 0, 0, 0.0))
    return orbits


# ---------------------------------------------------------------------------
# numeric
# ---------------------------------------------------------------------------

def _solve_numeric(system, pairs, sym, result, *, starts, seed, scale, tol, weight_matrix,
                   max_orbit, check, max_nfev):
    from scipy.optimize import least_squares

    unknowns = system.unknowns
    n = len(unknowns)
    exprs = [f for _, f in pairs]
    ev = _PolyEval(exprs, unknowns) if system.is_polynomial() else _LambdaEval(exprs, unknowns)
    tvals = np.array([float(system.rhs[e]) for e in system.monomials])
    tscale = max(1.0, float(np.max(np.abs(tvals))) if len(tvals) else 1.0)
    M = None
    if weight_matrix is not None:
        M = np.asarray(weight_matrix, dtype=float)
        if M.ndim != 2 or M.shape[1] != len(system.monomials) or not np.all(np.isfinite(M)):
            raise ArgumentError(
                f"weight_matrix: expected a finite matrix with {len(system.monomials)} columns "
                f"(one per monomial), got shape {M.shape}")
        pos = np.array([system.monomials.index(e) for e, _ in pairs], dtype=int)
        M = M[:, pos]
    if M is not None:
        def fun(x):
            return M @ ev(x)

        def jac(x):
            return M @ ev.jac(x)
    else:
        fun, jac = ev, ev.jac
    m_res = M.shape[0] if M is not None else len(exprs)
    how = "lm" if m_res >= n else "trf"
    rng = np.random.default_rng(seed)
    runs = []
    with np.errstate(all="ignore"):
        for _ in range(starts):
            x0 = rng.normal(0.0, scale, n)
            try:
                sol = least_squares(fun, x0, jac=jac, method=how, xtol=1e-15, ftol=1e-15,
                                    gtol=1e-15, max_nfev=max_nfev)
            except (ValueError, np.linalg.LinAlgError, FloatingPointError):
                continue
            x = sol.x
            fx = ev(x)
            if not (np.all(np.isfinite(x)) and np.all(np.isfinite(fx))):
                continue
            obj = float(np.linalg.norm(fun(x)))
            rmax = float(np.max(np.abs(fx))) / tscale if len(fx) else 0.0
            runs.append((x, rmax, obj))
    result.starts = starts
    good = [r for r in runs if r[1] <= tol]
    result.converged = len(good)
    if runs:
        b = min(runs, key=lambda r: (r[2], r[1]))
        result.best = dict(zip(unknowns, (float(v) for v in b[0])))
        result.best_residual = b[1]
    if good:
        cands = sorted(good, key=lambda r: r[1])
        result.status = "solved"
    elif runs:
        bobj = min(r[2] for r in runs)
        cands = sorted([r for r in runs if r[2] <= bobj * (1 + 1e-6) + 1e-300],
                       key=lambda r: r[2])
        result.status = "approximate"
    else:
        cands = []
        result.status = "approximate"
        result.notes.append("every start diverged (try a smaller scale)")
    orbits = []  # (members array, Orbit)
    for x, rmax, _ in cands:
        hit = False
        for arr, orb in orbits:
            d = np.max(np.abs(arr - x[None, :]), axis=1)
            if d.min() <= 1e-6 * max(1.0, float(np.max(np.abs(x)))):
                orb.hits += 1
                hit = True
                break
        if hit or (orbits and result.status == "approximate"):
            continue  # approximate: the best minimiser's orbit only
        members = sym.orbit([float(v) for v in x], limit=max_orbit, key=float_key) \
            if sym else [[float(v) for v in x]]
        size = None if members is None else len(members)
        if members is None:
            members = [[float(v) for v in x]]
        members.sort(key=lambda m: tuple(round(v, 9) for v in m), reverse=True)
        rep = members[0]
        J = ev.jac(np.array(rep))
        sv = np.linalg.svd(J, compute_uv=False) if J.size else np.zeros(0)
        rank = int(np.sum(sv > 1e-7 * sv[0])) if len(sv) and sv[0] > 0 else 0
        orb = Orbit(dict(zip(unknowns, rep)), size,
                    [dict(zip(unknowns, m)) for m in members], rmax, 1, n - rank, None,
                    is_solution=rmax <= tol)
        orbits.append((np.array(members), orb))
    result.orbits = [o for _, o in orbits]
    result.solutions = [m for o in result.orbits if o.is_solution for m in o.members]
    result.dimension = max((o.local_dimension for o in result.orbits), default=None)
    if any(o.size is None for o in result.orbits):
        result.notes.append(f"orbits larger than {max_orbit} are not expanded: .solutions "
                            "holds the solutions found, not their images")
    if any(o.local_dimension for o in result.orbits if o.is_solution):
        result.notes.append("solutions with local dimension > 0 lie on families: "
                            ".solutions holds sample points of them")
    if check:
        for o in result.orbits:
            o.check = _check_numeric(system, o.representative)


def _check_numeric(system, sol, mode=None):
    """Largest |coefficient - target| of the network ``net.subs(sol)`` expanded again."""
    mode = system.mode if mode is None else mode
    net = system.net.subs({u: float(v) for u, v in sol.items()})
    kw = {"series_degree": system.series_degree} if mode == "series" else {}
    p = expand(net, system.order, mode=mode, **kw)
    terms = p.as_float().terms() if not p.is_exact else p.terms()
    err = 0.0
    for e in system.monomials:
        err = max(err, abs(float(terms.get(e, 0.0)) - float(system.rhs[e])))
    return err


# ---------------------------------------------------------------------------
# the entry point
# ---------------------------------------------------------------------------

def solve_weights(net, target, order, method="exact", *, mode="series", series_degree=None,
                  starts=32, seed=0, scale=1.0, tol=1e-9, timeout=60.0, weight_matrix=None,
                  max_orbit=10_000, check=True, max_nfev=None):
    """Every weight vector of ``net`` whose coefficients up to ``order`` equal the target's.

    Parameters
    ----------
    net : Network
        The template, with symbolic weights (the unknowns) and one output.
    target : sympy expression, str, Polynomial, dict, Network, (X, y) or SuperSpaceRegressor
        As in :func:`coefficient_equations`.
    order : int
    method : {"exact", "numeric"}
        ``"exact"``: a Groebner basis (sympy): all complex solutions,
        the real ones listed; the dimension and a parametrisation of a
        positive-dimensional solution set; a certificate (basis ``[1]``)
        for an inconsistent system.  Needs exact target coefficients.
        ``"numeric"``: multi-start Levenberg-Marquardt
        (``scipy.optimize.least_squares``) from random starts, converged
        points clustered, each orbit's representative checked by expanding
        ``net.subs(solution)`` again.
    mode, series_degree
        As in :func:`coefficient_equations`.
    starts : int
        Numeric: number of random starts (normal, standard deviation ``scale``).
    seed : int or None
        Numeric: seed of the starts (the default 0 makes runs repeatable).
    scale : float
    tol : float
        Numeric: a point solves the system when
        ``max |c_alpha - t_alpha| <= tol * max(1, max |t_alpha|)``.
    timeout : float or None
        Exact: seconds before giving up (``ResourceError``); None: no limit.
    weight_matrix : array_like, optional
        Numeric: minimise ``||M (c(W) - t)||`` instead of ``||c(W) - t||``
        (one column per monomial, package order); :func:`fit_network` uses
        it to minimise the data error.
    max_orbit : int
        Orbits larger than this are not expanded.
    check : bool
        Numeric: check each orbit's representative by re-expansion.
    max_nfev : int, optional
        Numeric: evaluations per start (default ``40 * (n_unknowns + 1)``: a start
        that has not converged by then is abandoned).

    Returns
    -------
    WeightSolutions

    Raises
    ------
    ArgumentError
        No unknowns, a float target with ``method="exact"``, a bad argument.
    NotSupportedError
        ``method="exact"`` on equations that are not polynomial in the unknowns.
    ResourceError
        ``method="exact"`` ran past ``timeout``.

    Examples
    --------
    Two solutions related by the sign symmetry of tanh:

    >>> import sympy
    >>> from symnet import Network
    >>> from symnet.fit import solve_weights
    >>> net = Network.mlp([1, 1, 1], activation=["tanh", "identity"])
    >>> res = solve_weights(net, "2*x1 - 2*x1**3/3", 3)
    >>> res.status, len(res.solutions), [o.size for o in res.orbits]
    ('finite', 2, [2])
    >>> res.network(1).expr()
    2*tanh(x1)
    >>> num = solve_weights(net, "2*x1 - 2*x1**3/3", 3, method="numeric", starts=8)
    >>> num.status, len(num.solutions), num.orbits[0].size
    ('solved', 2, 2)
    """
    t0 = time.perf_counter()
    if method not in ("exact", "numeric"):
        raise ArgumentError(f"method: expected 'exact' or 'numeric', got {method!r}")
    if not unknowns_of(check_template(net)):
        raise ArgumentError("net: the template has no symbolic weights to solve for; build it "
                            "with Network.mlp(...) or Symbols as weights")
    system = System(net, target, order, mode, series_degree)
    unknowns = system.unknowns
    starts = as_int(starts, "starts", minimum=1)
    max_orbit = as_int(max_orbit, "max_orbit", minimum=1)
    for name, v in (("scale", scale), ("tol", tol)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (
                math.isfinite(v) and v > 0):
            raise ArgumentError(f"{name}: expected a positive number, got {v!r}")
    timeout = as_seconds(timeout, "timeout")
    if max_nfev is None:
        max_nfev = 40 * (len(unknowns) + 1)
    max_nfev = as_int(max_nfev, "max_nfev", minimum=1)
    sym = architecture_symmetries(system.net, unknowns, mode, series_degree, system.order)
    pairs = system.residuals()
    result = WeightSolutions(solutions=[], unknowns=unknowns, method=method, status="",
                             dimension=None, orbits=[], symmetries=list(sym.names),
                             broken_symmetries=list(sym.dropped), equations=len(pairs),
                             order=system.order, template=system.net)
    if not pairs:  # every weight vector matches: one family of full dimension
        s = {u: u for u in unknowns}
        result.solutions = [s]
        result.status = "family" if method == "exact" else "solved"
        result.dimension = len(unknowns)
        result.orbits = [Orbit(s, 1, [s], 0.0, 0, len(unknowns), 0.0)]
        result.notes.append("every equation holds identically: all weights are solutions")
        result.seconds = time.perf_counter() - t0
        return result
    if method == "exact":
        if weight_matrix is not None:
            raise ArgumentError("weight_matrix is only for method='numeric'")
        if not system.exact_target:
            raise ArgumentError("method='exact' needs exact target coefficients, got floats; "
                                "pass Fractions or sympy Rationals, or use method='numeric'")
        if not system.exact_network:
            raise ArgumentError("method='exact' needs a template without float weights; use "
                                "method='numeric'")
        if not system.is_polynomial():
            raise NotSupportedError(
                "method='exact': the equations are not polynomial in the unknowns (Taylor mode "
                "with hidden biases gives tanh(b) and such); use mode='series' or "
                "method='numeric'")
        _solve_exact(system, [f for _, f in pairs], sym, timeout, max_orbit, result)
    else:
        _solve_numeric(system, pairs, sym, result, starts=starts, seed=seed, scale=float(scale),
                       tol=float(tol), weight_matrix=weight_matrix, max_orbit=max_orbit,
                       check=bool(check), max_nfev=max_nfev)
    if mode == "series" and not series_is_taylor(system.net):
        _compare_with_taylor(system, result, bool(check))
    result.seconds = time.perf_counter() - t0
    return result


def _compare_with_taylor(system, result, check):
    """Series mode with hidden biases: say that the series polynomial is not the network's own."""
    worst = None
    if check:
        for o in result.orbits:
            rep = o.representative
            if not o.is_solution or any(getattr(v, "free_symbols", None) for v in rep.values()):
                continue
            try:
                o.taylor_check = _check_numeric(system, rep, mode="taylor")
            except (TypeError, ValueError, SymnetError):
                continue
            worst = o.taylor_check if worst is None else max(worst, o.taylor_check)
    if worst is not None and worst <= 1e-9:
        return   # at every solution found the two agree (the hidden biases came out 0)
    measured = "" if worst is None else \
        f" (at the solutions found, its Taylor coefficients miss the target by up to {worst:.3g})"
    result.notes.append(
        "mode='series' (the NN2Poly polynomial: each activation replaced by its Maclaurin "
        "polynomial): with hidden biases this polynomial can differ from the network's own Taylor "
        f"polynomial{measured}; method='numeric', mode='taylor' solves for the network itself")

"""Exact polyhedra: cones by double description, exact LP, interior points, Farkas certificates.

Everything here is exact.  A polyhedron ``{x : A x <= b}`` in ``R^d`` is
handled through its *homogenisation*, the cone ``{(y, t) : A y <= b t, t >= 0}``
in ``R^(d+1)``, whose generators are integer vectors ``(t x, t)``: vertices
have ``t > 0``, recession directions ``t = 0``.  A :class:`Cone` keeps its
generators (extreme rays), a basis of its lineality space and, per generator,
the bitmask of the constraints it is tight on; it is cut by a homogeneous
half-space with the double-description step (combinatorial adjacency test)
without any LP and without rounding.  In the plane this is exact polygon
clipping.

For high dimensions, where vertices are too many, :func:`interior_point`
certifies that ``{A x < b}`` is non-empty by an exact rational interior point
(a float Chebyshev centre from scipy's HiGHS, rounded and checked exactly) or
empty by an exact Farkas certificate (rounded from the float dual and checked,
or from :func:`exact_lp`, a rational simplex).  Only certified answers are
returned.

Examples
--------
>>> from fractions import Fraction as F
>>> from symnet.pwl.polyhedra import vertices, interior_point
>>> A, b = [[-1, 0], [0, -1], [1, 1]], [0, 0, 1]        # a triangle
>>> vertices(A, b)
[(0, 0), (0, 1), (1, 0)]
>>> interior_point(A, b)
(1/4, 1/4)
>>> interior_point([[1], [-1]], [0, -1]) is None       # x <= 0 and x >= 1
True
"""

from __future__ import annotations

import math
from fractions import Fraction

from flint import fmpq, fmpz_mat

from ..errors import ArgumentError, ShapeError

__all__ = [
    "Gen",
    "Cone",
    "box_cone",
    "polyhedron_cone",
    "primitive",
    "facet_rows",
    "vertices",
    "interior_point",
    "farkas_certificate",
    "is_farkas_certificate",
    "chebyshev_center",
    "exact_lp",
    "clip_polygon",
    "polygon_area",
]


# ---------------------------------------------------------------------------
# integer vectors
# ---------------------------------------------------------------------------

def primitive(v):
    """``v`` divided by the gcd of its entries (a tuple of ints).

    Examples
    --------
    >>> from symnet.pwl.polyhedra import primitive
    >>> primitive((4, -6, 0))
    (2, -3, 0)
    """
    g = math.gcd(*v)
    if g > 1:
        return tuple(a // g for a in v)
    return tuple(v)


def _dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def _int_row(row):
    """A primitive integer row proportional (positively) to a rational row."""
    den = 1
    for c in row:
        c = _q(c)
        den = math.lcm(den, int(c.q))
    out = []
    for c in row:
        c = _q(c) * den
        out.append(int(c.p))
    return primitive(out)


def _q(v):
    if isinstance(v, fmpq):
        return v
    if isinstance(v, int):
        return fmpq(v)
    if isinstance(v, Fraction):
        return fmpq(v.numerator, v.denominator)
    if isinstance(v, float):
        n, d = v.as_integer_ratio()
        return fmpq(n, d)
    if hasattr(v, "p") and hasattr(v, "q"):
        return fmpq(int(v.p), int(v.q))
    raise ArgumentError(f"expected an exact rational number, got {type(v).__name__} {v!r}")


class Gen:
    """A generator: an integer vector ``(t x, t)``; engines attach values to it.

    Examples
    --------
    >>> from symnet.pwl.polyhedra import Gen
    >>> Gen((1, 2, 4))          # the point (1/4, 1/2)
    Gen(1, 2, 4)
    """

    __slots__ = ("vec", "vals", "z")

    def __init__(self, vec, vals=None, z=None):
        self.vec, self.vals, self.z = vec, vals, z

    def __repr__(self):
        return f"Gen{self.vec}"


def _plain_make(ca, a, cb, b):
    """The generator ``ca a + cb b`` (no attached values)."""
    return Gen(primitive(tuple(ca * x + cb * y for x, y in zip(a.vec, b.vec))))


def _plain_neg(a):
    return Gen(tuple(-x for x in a.vec))


# ---------------------------------------------------------------------------
# cones by double description
# ---------------------------------------------------------------------------

class Cone:
    """A polyhedral cone in ``R^D``: extreme rays, lineality basis, tight masks.

    ``masks[i]`` has bit ``k`` set when ``gens[i]`` lies on constraint ``k``.
    Lineality vectors lie on every constraint.  ``cons`` holds one entry of
    metadata per constraint (the engines record where each came from).

    Examples
    --------
    >>> from flint import fmpq
    >>> from symnet.pwl.polyhedra import box_cone
    >>> c = box_cone([(fmpq(0), fmpq(1))])                      # the interval [0, 1]
    >>> neg, pos = c.split([-1, 1], [], ("cut",))              # 2x - 1 at x = 0 and x = 1
    >>> sorted(g.vec for g in neg.gens), sorted(g.vec for g in pos.gens)
    ([(0, 1), (1, 2)], [(1, 1), (1, 2)])
    """

    __slots__ = ("gens", "masks", "lin", "cons")

    def __init__(self, gens, masks, lin, cons):
        self.gens, self.masks, self.lin, self.cons = gens, masks, lin, cons

    @property
    def dim(self):
        """Ambient dimension ``D``."""
        g = self.gens[0] if self.gens else self.lin[0]
        return len(g.vec)

    def split(self, s, ls, meta, *, make=_plain_make, neg=_plain_neg, full=True):
        """Cut by the homogeneous half-spaces ``h >= 0`` and ``h <= 0``.

        Parameters
        ----------
        s, ls : lists of int
            ``h`` at the generators and at the lineality vectors.
        meta : object
            Metadata of the new constraint (``h >= 0`` for the positive part,
            ``-h >= 0`` for the negative part; both record the same entry).
        make, neg : callables
            Build the generator ``ca a + cb b`` and ``-a`` (engines attach
            values).
        full : bool
            The cone is full-dimensional (enables the fast adjacency filter).

        Returns
        -------
        (negative part or None, positive part or None)
            None where a side has no interior point (a side that is the whole
            cone is the cone itself).  A cone on which ``h`` vanishes counts as
            the positive part.
        """
        k = len(self.cons)
        bit = 1 << k
        cons = self.cons + [meta]
        li = next((i for i, v in enumerate(ls) if v), None)
        if li is not None:
            l0, s0 = self.lin[li], ls[li]
            if s0 < 0:
                l0, s0 = neg(l0), -s0
            newlin = [make(s0, l, -v, l0) for i, (l, v) in enumerate(zip(self.lin, ls))
                      if i != li]
            newgens = [g if v == 0 else make(s0, g, -v, l0) for g, v in zip(self.gens, s)]
            masks = [m | bit for m in self.masks]
            oldbits = bit - 1
            pos = Cone(newgens + [l0], masks + [oldbits], newlin, cons)
            negc = Cone(newgens + [neg(l0)], list(masks) + [oldbits], newlin, cons)
            return negc, pos
        P = [i for i, v in enumerate(s) if v > 0]
        N = [i for i, v in enumerate(s) if v < 0]
        if not N:
            return None, self
        if not P:
            return self, None
        gens, masks = self.gens, self.masks
        need = len(gens[0].vec) - len(self.lin) - 2 if full else 0
        new, newm = [], []
        ng = len(gens)
        for i in P:
            mi = masks[i]
            for j in N:
                m = mi & masks[j]
                if need > 0 and m.bit_count() < need:
                    continue
                ok = True
                for r in range(ng):
                    if r != i and r != j and (masks[r] & m) == m:
                        ok = False
                        break
                if ok:
                    new.append(make(s[i], gens[j], -s[j], gens[i]))
                    newm.append(m | bit)
        Z = [i for i, v in enumerate(s) if v == 0]
        zg = [gens[i] for i in Z]
        zm = [masks[i] | bit for i in Z]
        pos = Cone([gens[i] for i in P] + zg + new, [masks[i] for i in P] + zm + newm,
                   self.lin, cons)
        negc = Cone([gens[i] for i in N] + zg + new, [masks[i] for i in N] + zm + newm,
                    self.lin, cons)
        return negc, pos

    def intersect(self, row, meta, **kw):
        """The cone cut by ``row . y >= 0`` (possibly lower-dimensional or trivial)."""
        s = [_dot(row, g.vec) for g in self.gens]
        ls = [_dot(row, g.vec) for g in self.lin]
        if not any(ls) and not any(v < 0 for v in s):
            k = len(self.cons)
            return Cone(self.gens, [m | (1 << k) if v == 0 else m for m, v in
                                    zip(self.masks, s)], self.lin, self.cons + [meta])
        negc, pos = self.split(s, ls, meta, full=False, **kw)
        if pos is None:  # only the face h = 0 remains
            k = len(self.cons)
            Z = [i for i, v in enumerate(s) if v == 0]
            return Cone([self.gens[i] for i in Z], [self.masks[i] | (1 << k) for i in Z],
                        self.lin, self.cons + [meta])
        return pos

    def rank(self):
        """Dimension of the cone (rank of generators and lineality)."""
        vecs = [g.vec for g in self.gens] + [g.vec for g in self.lin]
        if not vecs:
            return 0
        return fmpz_mat(len(vecs), len(vecs[0]), [a for v in vecs for a in v]).rank()

    def facets(self):
        """Indices of the irredundant constraints (one per facet, lowest index first).

        A constraint is a facet when the generators on it, with the lineality,
        span a hyperplane.
        """
        D = self.dim
        nl = len(self.lin)
        out, seen = [], set()
        for k in range(len(self.cons)):
            bit = 1 << k
            T = tuple(i for i, m in enumerate(self.masks) if m & bit)
            if T in seen or len(T) + nl < D - 1 or len(T) == len(self.gens):
                continue
            vecs = [self.gens[i].vec for i in T] + [g.vec for g in self.lin]
            r = fmpz_mat(len(vecs), D, [a for v in vecs for a in v]).rank() if vecs else 0
            if r == D - 1:
                seen.add(T)
                out.append(k)
        return out

    def facet_row(self, k):
        """The primitive integer row ``a`` with ``a . y >= 0`` on the cone, zero on facet ``k``."""
        D = self.dim
        bit = 1 << k
        vecs = [g.vec for g, m in zip(self.gens, self.masks) if m & bit] + \
               [g.vec for g in self.lin]
        return _normal(vecs, D, [g.vec for g, m in zip(self.gens, self.masks) if not m & bit])

    def interior_point(self):
        """An exact point of the interior (fmpq tuple): mean of vertices plus the rays."""
        verts = [g.vec for g in self.gens if g.vec[-1] > 0]
        rays = [g.vec for g in self.gens if g.vec[-1] == 0]
        D = self.dim
        n = len(verts)
        acc = [fmpq(0)] * (D - 1)
        for v in verts:
            t = v[-1]
            for i in range(D - 1):
                acc[i] += fmpq(v[i], t)
        acc = [a / n for a in acc]
        for r in rays:
            for i in range(D - 1):
                acc[i] += r[i]
        return tuple(acc)

    def __repr__(self):
        return (f"Cone({len(self.gens)} generators, lineality {len(self.lin)}, "
                f"{len(self.cons)} constraints)")


def _normal(vecs, D, others):
    """Primitive integer normal of the span of ``vecs`` (rank D-1), positive on ``others``."""
    M = fmpz_mat(len(vecs), D, [a for v in vecs for a in v])
    N, nullity = M.nullspace()
    if nullity != 1:
        raise ShapeError("not a facet: the tight generators do not span a hyperplane")
    a = primitive(tuple(int(N[i, 0]) for i in range(D)))
    for o in others:
        v = _dot(a, o)
        if v:
            return a if v > 0 else tuple(-x for x in a)
    return a


def facet_rows(cone):
    """``[(k, row)]``: each facet's constraint index and inward primitive integer row.

    Examples
    --------
    >>> from flint import fmpq
    >>> from symnet.pwl.polyhedra import box_cone, facet_rows
    >>> facet_rows(box_cone([(fmpq(0), fmpq(2))]))              # x >= 0 and 2 - x >= 0
    [(0, (1, 0)), (1, (-1, 2))]
    """
    return [(k, cone.facet_row(k)) for k in cone.facets()]


def box_cone(box, meta=lambda i, side: ("box", i, side), make_gen=Gen):
    """The homogenised cone of a box ``[(lo, hi), ...]`` (fmpq ends, lo < hi).

    Constraint ``2 i`` is ``x_i >= lo_i`` and ``2 i + 1`` is ``x_i <= hi_i``.

    Examples
    --------
    >>> from flint import fmpq
    >>> from symnet.pwl.polyhedra import box_cone
    >>> sorted(g.vec for g in box_cone([(fmpq(-1), fmpq(1, 2))]).gens)
    [(-1, 1), (1, 2)]
    """
    d = len(box)
    gens, masks = [], []
    for corner in range(1 << d):
        xs = [box[i][(corner >> i) & 1] for i in range(d)]
        den = 1
        for x in xs:
            den = math.lcm(den, int(x.q))
        vec = primitive(tuple(int((x * den).p) for x in xs) + (den,))
        m = 0
        for i in range(d):
            m |= 1 << (2 * i + ((corner >> i) & 1))
        gens.append(make_gen(vec))
        masks.append(m)
    cons = []
    for i in range(d):
        cons.append(meta(i, 0))
        cons.append(meta(i, 1))
    return Cone(gens, masks, [], cons)


def box_rows(box):
    """Inward homogeneous integer rows of a box's constraints (same order as :func:`box_cone`)."""
    d = len(box)
    rows = []
    for i, (lo, hi) in enumerate(box):
        e = [0] * d
        e[i] = 1
        rows.append(_int_row([fmpq(x) for x in e] + [-lo]))
        e = [0] * d
        e[i] = -1
        rows.append(_int_row([fmpq(x) for x in e] + [hi]))
    return rows


def whole_space_cone(d, make_gen=Gen):
    """The cone ``t >= 0`` of ``R^d`` (constraint 0 is ``t >= 0``, the face at infinity)."""
    lin = [make_gen(tuple(1 if j == i else 0 for j in range(d + 1))) for i in range(d)]
    origin = make_gen(tuple([0] * d + [1]))
    return Cone([origin], [0], lin, [("inf",)])


def polyhedron_cone(A, b, make_gen=Gen, make=_plain_make, neg=_plain_neg):
    """The homogenised cone of ``{x : A x <= b}``; constraint 0 is ``t >= 0``, then the rows.

    Examples
    --------
    >>> from flint import fmpq
    >>> from symnet.pwl.polyhedra import polyhedron_cone
    >>> c = polyhedron_cone([[fmpq(-1)]], [fmpq(0)])           # x >= 0: a half-line
    >>> sorted(g.vec for g in c.gens), c.lin
    ([(0, 1), (1, 0)], [])
    """
    d = len(A[0])
    c = whole_space_cone(d, make_gen)
    for i, (row, bi) in enumerate(zip(A, b)):
        h = _int_row([-_q(a) for a in row] + [_q(bi)])
        c = c.intersect(h, ("poly", i), make=make, neg=neg)
        if not c.gens and not c.lin:
            break
    return c


# ---------------------------------------------------------------------------
# vertices and interior points of {A x <= b}
# ---------------------------------------------------------------------------

def _as_system(A, b):
    try:
        A = [[_q(a) for a in row] for row in A]
        b = [_q(v) for v in b]
    except TypeError:
        raise ShapeError("expected a matrix A (rows) and a vector b") from None
    if not A or len(A) != len(b) or len({len(r) for r in A}) != 1:
        raise ShapeError(f"expected A with one row per entry of b, got {len(A)} rows and "
                         f"{len(b)} entries")
    return A, b


def vertices(A, b):
    """The vertices of ``{x : A x <= b}`` (exact tuples of fmpq, in generation order).

    Raises ShapeError for an unbounded polyhedron (it has rays).

    Examples
    --------
    >>> from symnet.pwl.polyhedra import vertices
    >>> vertices([[1, 0], [0, 1], [-1, -1]], [1, 1, 0])
    [(-1, 1), (1, -1), (1, 1)]
    """
    A, b = _as_system(A, b)
    c = polyhedron_cone(A, b)
    if c.lin or any(g.vec[-1] == 0 for g in c.gens):
        raise ShapeError("the polyhedron is unbounded: it has no vertex description")
    return sorted(tuple(fmpq(x, g.vec[-1]) for x in g.vec[:-1]) for g in c.gens)


def _strictly_inside(A, b, x):
    return all(sum((a * v for a, v in zip(row, x)), fmpq(0)) < bi for row, bi in zip(A, b))


def chebyshev_center(A, b, radius_cap=1.0):
    """Float Chebyshev centre ``(x, r)`` of ``{A x <= b}`` by scipy's HiGHS (None if unavailable).

    ``r <= 0`` means no interior (in float64); ``r`` is capped at ``radius_cap``.
    Also returns the dual multipliers of the rows (for Farkas certificates).

    Examples
    --------
    >>> from symnet.pwl.polyhedra import chebyshev_center
    >>> x, r, y = chebyshev_center([[1.0], [-1.0]], [1.0, 1.0])
    >>> abs(round(float(x[0]), 6)), round(float(r), 6)
    (0.0, 1.0)
    """
    try:
        import numpy as np
        from scipy.optimize import linprog
    except ImportError:  # pragma: no cover
        return None
    Af = np.array([[float(a) for a in row] for row in A], dtype=float)
    bf = np.array([float(v) for v in b], dtype=float)
    norms = np.linalg.norm(Af, axis=1)
    m, d = Af.shape
    c = np.zeros(d + 1)
    c[-1] = -1.0
    A_ub = np.hstack([Af, norms[:, None]])
    bounds = [(None, None)] * d + [(None, radius_cap)]
    res = linprog(c, A_ub=A_ub, b_ub=bf, bounds=bounds, method="highs")
    if res.status != 0:
        return None
    y = -np.asarray(res.ineqlin.marginals) if hasattr(res, "ineqlin") else None
    return res.x[:d], res.x[d], y


def _round_point(xf, A, b):
    """Rational points near the float point ``xf`` that are strictly inside, or None."""
    for den in (1, 2, 4, 8, 16, 64, 256, 1 << 12, 1 << 20, 1 << 30, 1 << 40):
        x = tuple(_q(Fraction(round(v * den), den)) for v in xf)
        if _strictly_inside(A, b, x):
            return x
    try:
        x = tuple(_q(Fraction(float(v))) for v in xf)
    except (ValueError, OverflowError):
        return None
    return x if _strictly_inside(A, b, x) else None


def is_farkas_certificate(A, b, y):
    """True when ``y >= 0``, ``y != 0``, ``y^T A = 0`` and ``y^T b <= 0``: then ``{A x < b}`` is empty.

    Examples
    --------
    >>> from symnet.pwl.polyhedra import is_farkas_certificate
    >>> is_farkas_certificate([[1], [-1]], [0, -1], [1, 1])
    True
    """
    A, b = _as_system(A, b)
    y = [_q(v) for v in y]
    if len(y) != len(A) or any(v < 0 for v in y) or not any(y):
        return False
    d = len(A[0])
    for j in range(d):
        if sum((yi * row[j] for yi, row in zip(y, A)), fmpq(0)) != 0:
            return False
    return sum((yi * bi for yi, bi in zip(y, b)), fmpq(0)) <= 0


def _farkas_from_support(A, b, support):
    """An exact certificate supported on ``support`` (from the null space of ``A_S^T``), or None."""
    if not support:
        return None
    d = len(A[0])
    S = list(support)
    # y_S^T A_S = 0: null space of A_S^T (d x |S|)
    den = 1
    for i in S:
        for a in A[i]:
            den = math.lcm(den, int(a.q))
    M = fmpz_mat(d, len(S), [int((A[i][j] * den).p) for j in range(d) for i in S])
    N, nullity = M.nullspace()
    for col in range(nullity):
        v = [int(N[r, col]) for r in range(len(S))]
        for sign in (1, -1):
            w = [sign * x for x in v]
            if all(x >= 0 for x in w) and any(w):
                y = [fmpq(0)] * len(A)
                for i, x in zip(S, w):
                    y[i] = fmpq(x)
                if is_farkas_certificate(A, b, y):
                    return y
    return None


def farkas_certificate(A, b):
    """An exact ``y`` proving ``{x : A x < b}`` empty, or None when it is not empty.

    Examples
    --------
    >>> from symnet.pwl.polyhedra import farkas_certificate
    >>> farkas_certificate([[1, 0], [-1, 0], [0, 1]], [0, 0, 5])
    [1, 1, 0]
    """
    A, b = _as_system(A, b)
    point, cert = _decide(A, b)
    return cert


def interior_point(A, b):
    """An exact point ``x`` with ``A x < b`` (all strict), or None when there is none.

    A float Chebyshev centre (scipy's HiGHS) is rounded to a nearby rational
    and checked exactly; emptiness is certified by an exact Farkas certificate;
    :func:`exact_lp` (a rational simplex) decides when rounding fails.

    Examples
    --------
    >>> from symnet.pwl.polyhedra import interior_point
    >>> interior_point([[1, 1], [-1, 0], [0, -1]], [1, 0, 0])
    (1/4, 1/4)
    """
    A, b = _as_system(A, b)
    return _decide(A, b)[0]


def _decide(A, b):
    """(interior point, None) or (None, Farkas certificate), both exact."""
    ch = chebyshev_center(A, b)
    if ch is not None:
        xf, r, yf = ch
        if r > 1e-9:
            x = _round_point(xf, A, b)
            if x is not None:
                return x, None
        elif yf is not None:
            import numpy as np
            yf = np.asarray(yf, dtype=float)
            top = float(np.max(yf)) if len(yf) else 0.0
            if top > 0:
                for tol in (1e-9, 1e-7, 1e-5):
                    support = [i for i, v in enumerate(yf) if v > tol * top]
                    y = _farkas_from_support(A, b, support)
                    if y is not None:
                        return None, y
    return _decide_exact(A, b)


def _decide_exact(A, b):
    """Exact simplex: maximise r subject to A x + r 1 <= b, r <= 1 (x, r free)."""
    m, d = len(A), len(A[0])
    # variables: x+ (d), x- (d), r+, r-  (all >= 0)
    rows, rhs = [], []
    for row, bi in zip(A, b):
        rows.append(list(row) + [-a for a in row] + [fmpq(1), fmpq(-1)])
        rhs.append(bi)
    rows.append([fmpq(0)] * (2 * d) + [fmpq(1), fmpq(-1)])
    rhs.append(fmpq(1))
    c = [fmpq(0)] * (2 * d) + [fmpq(1), fmpq(-1)]
    status, y, value, duals = exact_lp(c, rows, rhs)
    if status != "optimal":  # pragma: no cover - r <= 1 bounds it; feasible at r -> -oo
        raise ArithmeticError(f"exact LP failed: {status}")
    if value > 0:
        x = tuple(y[i] - y[d + i] for i in range(d))
        return x, None
    cert = duals[:m]
    return None, cert


def exact_lp(c, A, b):
    """Maximise ``c . y`` subject to ``A y <= b``, ``y >= 0``, in exact rational arithmetic.

    A dense two-phase simplex with Bland's rule (it terminates); meant for the
    small systems where float rounding failed.

    Returns
    -------
    (status, y, value, duals)
        status is ``"optimal"``, ``"infeasible"`` or ``"unbounded"``; ``duals``
        are the optimal multipliers of the rows (a dual solution).

    Examples
    --------
    >>> from symnet.pwl.polyhedra import exact_lp
    >>> exact_lp([1, 1], [[1, 2], [3, 1]], [4, 6])[:3]
    ('optimal', [8/5, 6/5], 14/5)
    """
    c = [_q(v) for v in c]
    A = [[_q(v) for v in row] for row in A]
    b = [_q(v) for v in b]
    m, n = len(A), len(c)
    zero, one = fmpq(0), fmpq(1)
    art = n + m                       # artificial column
    ncol = n + m + 1
    T = []
    for i in range(m):
        row = A[i] + [one if j == i else zero for j in range(m)] + [-one, b[i]]
        T.append(row)
    basis = [n + i for i in range(m)]

    def pivot(r, col, obj):
        pr = T[r]
        p = pr[col]
        if p != 1:
            inv = one / p
            pr[:] = [v * inv for v in pr]
        for i in range(m):
            if i != r:
                f = T[i][col]
                if f:
                    Ti = T[i]
                    T[i] = [a - f * bb for a, bb in zip(Ti, pr)]
        f = obj[col]
        if f:
            obj[:] = [a - f * bb for a, bb in zip(obj, pr)]
        basis[r] = col

    def run(obj, allowed):
        while True:
            col = next((j for j in range(ncol) if j in allowed and obj[j] < 0), None)
            if col is None:
                return "optimal"
            best, br = None, None
            for i in range(m):
                a = T[i][col]
                if a > 0:
                    ratio = T[i][-1] / a
                    if best is None or ratio < best or (ratio == best and basis[i] < basis[br]):
                        best, br = ratio, i
            if br is None:
                return "unbounded"
            pivot(br, col, obj)

    allowed = set(range(ncol))
    if m and min(b) < 0:
        # phase 1: maximise -x0
        obj = [zero] * ncol + [zero]
        obj[art] = one
        r = min(range(m), key=lambda i: (b[i], i))
        pivot(r, art, obj)
        run(obj, allowed)
        if obj[-1] < 0:
            return "infeasible", None, None, None
        if art in basis:
            r = basis.index(art)
            col = next((j for j in range(ncol - 1) if T[r][j] != 0), None)
            if col is not None:
                pivot(r, col, [zero] * (ncol + 1))
    allowed.discard(art)
    for row in T:
        row[art] = zero
    obj = [-v for v in c] + [zero] * (m + 1) + [zero]
    for i, j in enumerate(basis):
        f = obj[j]
        if f:
            obj[:] = [a - f * bb for a, bb in zip(obj, T[i])]
    status = run(obj, allowed)
    if status != "optimal":
        return status, None, None, None
    y = [zero] * n
    for i, j in enumerate(basis):
        if j < n:
            y[j] = T[i][-1]
    duals = [obj[n + i] for i in range(m)]
    return "optimal", y, obj[-1], duals


# ---------------------------------------------------------------------------
# polygons
# ---------------------------------------------------------------------------

def clip_polygon(poly, a, c):
    """Exact Sutherland-Hodgman clipping of a convex polygon by ``a . x + c >= 0``.

    ``poly`` is a list of exact 2-D points in cyclic order; returns the clipped
    polygon (possibly empty), exact.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> from symnet.pwl.polyhedra import clip_polygon
    >>> clip_polygon([(0, 0), (2, 0), (2, 2), (0, 2)], (-1, 0), 1)
    [(0, 0), (1, 0), (1, 2), (0, 2)]
    """
    a = [_q(v) for v in a]
    c = _q(c)
    P = [tuple(_q(v) for v in p) for p in poly]
    out = []
    n = len(P)
    for i in range(n):
        p, q = P[i], P[(i + 1) % n]
        sp = a[0] * p[0] + a[1] * p[1] + c
        sq = a[0] * q[0] + a[1] * q[1] + c
        if sp >= 0:
            out.append(p)
        if (sp > 0 and sq < 0) or (sp < 0 and sq > 0):
            lam = sp / (sp - sq)
            out.append((p[0] + lam * (q[0] - p[0]), p[1] + lam * (q[1] - p[1])))
    return out


def polygon_area(poly):
    """Exact area of a polygon given in cyclic order (shoelace formula).

    Examples
    --------
    >>> from symnet.pwl.polyhedra import polygon_area
    >>> polygon_area([(0, 0), (1, 0), (0, 1)])
    1/2
    """
    P = [tuple(_q(v) for v in p) for p in poly]
    acc = fmpq(0)
    for i in range(len(P)):
        (x1, y1), (x2, y2) = P[i], P[(i + 1) % len(P)]
        acc += x1 * y2 - x2 * y1
    return abs(acc) / 2

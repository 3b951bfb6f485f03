"""Networks that realise given continuous piecewise-linear functions, exactly.

Every function returns an ordinary :class:`~symnet.network.Network` with
exact (rational) weights, relu hidden units and identity outputs, whose
:func:`~symnet.piecewise` is exactly the requested function (Huang, arXiv
2202.01919; Arora, Basu, Mianjy and Mukherjee 2018; Tarela and Martinez;
Ovchinnikov).

* :func:`interpolant_1d` -- breakpoints and values (one hidden layer,
  at most n + 2 units; several outputs share the layer);
* :func:`max_affine` -- ``max_i (A_i . x + b_i)`` by a tree of pairwise
  maxima, ``ceil(log2 k)`` relu layers;
* :func:`lattice` -- ``max_i min_{j in S_i} (A_j . x + b_j)``, any CPWL
  function given by its affine pieces;
* :func:`triangulation` -- the piecewise-linear interpolant on a triangulated
  planar domain;
* :func:`sawtooth` -- the tent map composed k times: ``2^k`` pieces on
  ``[0, 1]`` from ``2k`` units;
* :func:`shared_hidden_layer` -- several one-hidden-layer networks as one
  multi-output network sharing (and deduplicating) the hidden layer.

Examples
--------
>>> import symnet
>>> from symnet.constructions import interpolant_1d
>>> net = interpolant_1d([0, 1, 2], [0, 1, 0])            # a hat
>>> pw = symnet.piecewise(net, box=[(-1, 3)])
>>> pw.breakpoints, [r.expressions()[0] for r in pw.merged()]
([0, 1, 2], [0, x1, 2 - x1, 0])
"""

from __future__ import annotations

import math

import sympy
from flint import fmpq

from ..errors import ArgumentError, NotSupportedError, ShapeError
from .exactnet import fmpq_to_sympy, to_fmpq

__all__ = ["interpolant_1d", "max_affine", "min_affine", "lattice", "triangulation",
           "sawtooth", "shared_hidden_layer"]

_S = fmpq_to_sympy


def _exact(v, where):
    from .._validate import as_exact

    if isinstance(v, fmpq):
        return v
    try:
        e = as_exact(v, where)
    except Exception as err:
        raise ArgumentError(str(err)) from None
    if not e.is_Rational:
        raise ArgumentError(f"{where}: expected a rational number, got {e}")
    return fmpq(int(e.p), int(e.q))


def _vector(v, where):
    if isinstance(v, (str, bytes)) or not hasattr(v, "__len__"):
        raise ShapeError(f"{where}: expected a sequence of numbers, got {v!r}")
    return [_exact(x, f"{where}[{i}]") for i, x in enumerate(v)]


def _matrix(A, where):
    if isinstance(A, (str, bytes)) or not hasattr(A, "__len__") or not len(A):
        raise ShapeError(f"{where}: expected a non-empty matrix (a list of rows)")
    rows = [_vector(r, f"{where}[{i}]") for i, r in enumerate(A)]
    if len({len(r) for r in rows}) != 1 or not rows[0]:
        raise ShapeError(f"{where}: rows must be non-empty and of one length")
    return rows


def _dense(layers, inputs=None):
    from ..network import Network

    Ws = [[[_S(w) for w in row] for row in W] for W, _, _ in layers]
    bs = [[_S(v) for v in b] for _, b, _ in layers]
    acts = [a for _, _, a in layers]
    return Network.dense(Ws, bs, activations=acts, inputs=inputs)


# ---------------------------------------------------------------------------
# one input
# ---------------------------------------------------------------------------

def interpolant_1d(breakpoints, values, left_slope=0, right_slope=0, *, inputs=None):
    """A one-hidden-layer relu network through ``(b_i, v_i)`` with the given end slopes.

    ``f(x) = v_1 + s_0 (x - b_1) + sum_i (s_i - s_{i-1}) relu(x - b_i)`` with
    ``s_0 = left_slope``, ``s_n = right_slope`` and the chord slopes between;
    the linear term uses ``x - b_1 = relu(x - b_1) - relu(b_1 - x)``: at most
    ``n + 1`` hidden units (breakpoints where the slope does not change get
    none).

    Parameters
    ----------
    breakpoints : sequence of exact numbers, strictly increasing
    values : sequence (one output) or sequence of sequences (one per output,
        all sharing the hidden layer)
    left_slope, right_slope : number or sequence (one per output)

    Examples
    --------
    >>> import symnet
    >>> from symnet.constructions import interpolant_1d
    >>> net = interpolant_1d([0, 1], [[0, 1], [1, 0]], left_slope=[0, 1])
    >>> symnet.piecewise(net, box=[(-1, 2)])(["1/2"])
    (1/2, 1/2)
    """
    b = _vector(breakpoints, "breakpoints")
    n = len(b)
    if n == 0:
        raise ShapeError("interpolant_1d(): give at least one breakpoint")
    for i in range(n - 1):
        if not b[i] < b[i + 1]:
            raise ArgumentError(f"interpolant_1d(): breakpoints must increase strictly, got "
                                f"{_S(b[i])} then {_S(b[i + 1])}")
    multi = len(values) > 0 and hasattr(values[0], "__len__") and not isinstance(
        values[0], (str, bytes))
    vals = [_vector(v, f"values[{k}]") for k, v in enumerate(values)] if multi else \
        [_vector(values, "values")]
    m = len(vals)
    for k, v in enumerate(vals):
        if len(v) != n:
            raise ShapeError(f"interpolant_1d(): {n} breakpoints but {len(v)} values"
                             + (f" for output {k + 1}" if multi else ""))

    def per_output(s, where):
        if hasattr(s, "__len__") and not isinstance(s, (str, bytes)):
            if len(s) != m:
                raise ShapeError(f"{where}: expected {m} slopes (one per output)")
            return [_exact(x, where) for x in s]
        return [_exact(s, where)] * m
    left = per_output(left_slope, "left_slope")
    right = per_output(right_slope, "right_slope")
    coefs = []   # per output: unit coefficients for relu(x - b_i), i = 0..n-1, and relu(b_0 - x)
    for k in range(m):
        v = vals[k]
        s = [left[k]] + [(v[i + 1] - v[i]) / (b[i + 1] - b[i]) for i in range(n - 1)] + [right[k]]
        c = [s[i + 1] - s[i] for i in range(n)]
        c[0] += s[0]
        coefs.append(c + [-s[0]])
    units = [(fmpq(1), -b[i]) for i in range(n)] + [(fmpq(-1), b[0])]
    keep = [j for j in range(n + 1) if any(coefs[k][j] != 0 for k in range(m))]
    if not keep:
        return _dense([([[fmpq(0)] for _ in range(m)], [vals[k][0] for k in range(m)],
                        "identity")], inputs)
    W1 = [[units[j][0]] for j in keep]
    b1 = [units[j][1] for j in keep]
    W2 = [[coefs[k][j] for j in keep] for k in range(m)]
    b2 = [vals[k][0] for k in range(m)]
    return _dense([(W1, b1, "relu"), (W2, b2, "identity")], inputs)


def sawtooth(k, *, inputs=None):
    """The tent map ``t(x) = 2 relu(x) - 4 relu(x - 1/2)`` composed ``k`` times.

    ``2k`` relu units in ``k`` layers; on ``[0, 1]`` the function has ``2^k``
    linear pieces (one hidden layer would need ``2^k - 1`` units).

    Examples
    --------
    >>> import symnet
    >>> from symnet.constructions import sawtooth
    >>> len(symnet.piecewise(sawtooth(4), box=[(0, 1)]))
    16
    """
    from .._validate import as_int

    k = as_int(k, "sawtooth(k)", minimum=1, maximum=64)
    half = fmpq(1, 2)
    layers = [([[fmpq(1)], [fmpq(1)]], [fmpq(0), -half], "relu")]
    for _ in range(k - 1):
        layers.append(([[fmpq(2), fmpq(-4)], [fmpq(2), fmpq(-4)]], [fmpq(0), -half], "relu"))
    layers.append(([[fmpq(2), fmpq(-4)]], [fmpq(0)], "identity"))
    return _dense(layers, inputs)


# ---------------------------------------------------------------------------
# max, min and lattice trees
# ---------------------------------------------------------------------------

class _Builder:
    """Layered relu networks: quantities are linear forms over the current layer."""

    def __init__(self, d):
        self.d = d
        self.layers = []      # per layer: list of (row over previous, bias)

    def new_layer(self):
        self.layers.append(([], {}))

    def unit(self, form):
        """relu(form) as a unit of the newest layer (deduplicated); returns its index."""
        coefs, const = form
        units, index = self.layers[-1]
        key = (tuple(sorted((i, c) for i, c in coefs.items() if c != 0)), const)
        if key not in index:
            index[key] = len(units)
            units.append((dict(key[0]), const))
        return index[key]

    @staticmethod
    def lin(*terms):
        """sum_k a_k form_k (forms over one layer)."""
        coefs, const = {}, fmpq(0)
        for a, (cs, c) in terms:
            for i, v in cs.items():
                coefs[i] = coefs.get(i, fmpq(0)) + a * v
            const += a * c
        return ({i: v for i, v in coefs.items() if v != 0}, const)

    def relu_form(self, form):
        if not form[0]:          # a constant: relu of it is a constant, no unit needed
            return ({}, max(form[1], fmpq(0)))
        return ({self.unit(form): fmpq(1)}, fmpq(0))

    def pass_(self, a):
        return self.lin((1, self.relu_form(a)), (-1, self.relu_form(self.lin((-1, a)))))

    def max2(self, a, b):
        d = self.lin((1, a), (-1, b))
        return self.lin((1, self.relu_form(d)), (1, self.pass_(b)))

    def min2(self, a, b):
        d = self.lin((1, b), (-1, a))
        return self.lin((-1, self.relu_form(d)), (1, self.pass_(b)))

    def network(self, outputs, inputs=None):
        layers = []
        prev = self.d
        for units, _ in self.layers:
            W = [[u[0].get(j, fmpq(0)) for j in range(prev)] for u in units]
            b = [u[1] for u in units]
            layers.append((W, b, "relu"))
            prev = len(units)
        W = [[f[0].get(j, fmpq(0)) for j in range(prev)] for f in outputs]
        layers.append((W, [f[1] for f in outputs], "identity"))
        return _dense(layers, inputs)


def _reduce(builder, groups, op):
    """Reduce every group of forms with ``op`` (pairwise, all groups in lock-step)."""
    while any(len(g) > 1 for g in groups):
        builder.new_layer()
        nxt = []
        for g in groups:
            h = []
            for i in range(0, len(g) - 1, 2):
                h.append(op(g[i], g[i + 1]))
            if len(g) % 2:
                h.append(builder.pass_(g[-1]))
            nxt.append(h)
        groups = nxt
    return [g[0] for g in groups]


def _pieces(A, b, d=None):
    A = _matrix(A, "A")
    b = _vector(b, "b")
    if len(A) != len(b):
        raise ShapeError(f"A has {len(A)} rows but b has {len(b)} entries")
    if d is not None and len(A[0]) != d:
        raise ShapeError(f"A must have {d} columns")
    return [({i: a for i, a in enumerate(row) if a != 0}, bi) for row, bi in zip(A, b)], len(A[0])


def max_affine(A, b, *, inputs=None):
    """``max_i (A_i . x + b_i)`` as a relu network of ``ceil(log2 k)`` hidden layers.

    ``max(a, b) = relu(a - b) + relu(b) - relu(-b)``, paired in a balanced tree.

    Examples
    --------
    >>> import symnet
    >>> from symnet.constructions import max_affine
    >>> net = max_affine([[1, 0], [0, 1], [-1, -1]], [0, 0, 0])
    >>> len(net.stages()) - 1, len(symnet.piecewise(net).merged())
    (2, 3)
    """
    forms, d = _pieces(A, b)
    bld = _Builder(d)
    out = _reduce(bld, [forms], bld.max2)[0]
    return bld.network([out], inputs)


def min_affine(A, b, *, inputs=None):
    """``min_i (A_i . x + b_i)`` (``min(a, b) = b - relu(b - a)``).

    Examples
    --------
    >>> import symnet
    >>> from symnet.constructions import min_affine
    >>> symnet.piecewise(min_affine([[1], [-1]], [0, 0]), box=[(-1, 1)]).as_piecewise()
    Piecewise((x1, x1 < 0), (-x1, True))
    """
    forms, d = _pieces(A, b)
    bld = _Builder(d)
    out = _reduce(bld, [forms], bld.min2)[0]
    return bld.network([out], inputs)


def lattice(A, b, selectors=None, *, regions=None, inputs=None):
    """``max_i min_{j in S_i} (A_j . x + b_j)``: any CPWL function from its affine pieces.

    Parameters
    ----------
    A, b : the affine pieces ``g_j(x) = A_j . x + b_j``
    selectors : list of sets of piece indices ``S_i``
    regions : list of vertex lists, optional (instead of ``selectors``; 1-D and 2-D)
        ``regions[i]`` spans a region where piece ``i`` is the function; then
        the selectors are Ovchinnikov's sets ``S(y) = {j : g_j(y) >= f(y)}``,
        one for a point ``y`` in each cell of the arrangement ``{g_j = g_i}``
        inside each region (exact on a convex domain covered by the regions;
        the sets ``{j : g_j >= g_i on region i}`` alone can overshoot).

    Examples
    --------
    >>> import symnet
    >>> from symnet.constructions import lattice
    >>> # |x| clipped at 1: pieces -x, x, 1
    >>> net = lattice([[-1], [1], [0]], [0, 0, 1], [{0, 2}, {1, 2}])
    >>> symnet.piecewise(net, box=[(-2, 2)]).merged().as_piecewise()
    Piecewise((1, x1 < -1), (-x1, x1 < 0), (x1, x1 <= 1), (1, True))
    """
    forms, d = _pieces(A, b)
    k = len(forms)
    if (selectors is None) == (regions is None):
        raise ArgumentError("lattice(): give exactly one of selectors and regions")
    if regions is not None:
        if len(regions) != k:
            raise ShapeError(f"lattice(): {k} pieces but {len(regions)} regions")
        if d > 2:
            raise NotSupportedError("lattice(): regions= works in 1-D and 2-D; in higher "
                                    "dimensions pass the selectors")
        pts_of = []
        for i, verts in enumerate(regions):
            pts = [tuple(_vector(p, f"regions[{i}]")) for p in verts]
            if any(len(p) != d for p in pts):
                raise ShapeError(f"lattice(): regions[{i}] has points of the wrong dimension")
            pts_of.append(pts)
        sel = _cell_selectors(forms, pts_of, d)
    else:
        sel = []
        for i, S in enumerate(selectors):
            S = sorted({int(j) for j in S})
            if not S or S[0] < 0 or S[-1] >= k:
                raise ArgumentError(f"lattice(): selector {i} must be a non-empty set of piece "
                                    f"indices in 0..{k - 1}")
            sel.append(S)
    uniq = []
    for S in sel:
        if S not in uniq:
            uniq.append(S)
    bld = _Builder(d)
    mins = _reduce(bld, [[forms[j] for j in S] for S in uniq], bld.min2)
    out = _reduce(bld, [mins], bld.max2)[0]
    return bld.network([out], inputs)


def _cell_selectors(forms, regions, d):
    """Ovchinnikov's selectors: ``S(y) = {j : g_j(y) >= g_i(y)}`` for a point ``y`` in each
    cell of the arrangement of ``{g_j = g_i}`` inside region ``i``, supersets dropped.

    Every point of a region lies in the closure of a cell, where the cell's set is
    contained in its own: so ``max_y min_{S(y)} g`` is ``f`` on a convex domain.
    """
    from .polyhedra import clip_polygon

    k = len(forms)
    sets = []
    for i, pts in enumerate(regions):
        gi = forms[i]

        def diff(j):   # g_j - g_i as (coefficients, constant)
            cj, c0 = forms[j]
            return ([cj.get(m, 0) - gi[0].get(m, 0) for m in range(d)], c0 - gi[1])

        crossing = []
        for j in range(k):
            a, c = diff(j)
            v = [sum((a[m] * p[m] for m in range(d)), c) for p in pts]
            if min(v) < 0 < max(v):
                crossing.append((a, c))
        if d == 1:
            lo, hi = min(p[0] for p in pts), max(p[0] for p in pts)
            knots = sorted({lo, hi} | {-c / a[0] for a, c in crossing})
            points = [((knots[m] + knots[m + 1]) / 2,) for m in range(len(knots) - 1)]
        else:
            cells = [_hull(sorted(set(pts)))]
            for a, c in crossing:
                split = []
                for P in cells:
                    for sg in (1, -1):
                        Q = clip_polygon(P, (sg * a[0], sg * a[1]), sg * c)
                        if len(Q) >= 3 and _area2(Q) != 0:
                            split.append(Q)
                cells = split
            points = [tuple(sum(q[m] for q in Q) / len(Q) for m in range(2)) for Q in cells]
        for y in points:
            fy = _ev(gi, y)
            S = frozenset(j for j in range(k) if _ev(forms[j], y) >= fy)
            if S not in sets:
                sets.append(S)
    # a superset gives a smaller minimum: it never decides the maximum
    return [sorted(S) for S in sets if not any(T < S for T in sets)]


def _area2(P):
    return sum(P[m][0] * P[(m + 1) % len(P)][1] - P[(m + 1) % len(P)][0] * P[m][1]
               for m in range(len(P)))


def _ev(form, p):
    cs, c = form
    return sum((v * p[i] for i, v in cs.items()), c)


def triangulation(points, triangles, values, *, inputs=None):
    """The piecewise-linear interpolant on a triangulated planar domain.

    Parameters
    ----------
    points : sequence of exact 2-D points
    triangles : sequence of index triples into ``points`` (a triangulation)
    values : one exact value per point

    The network is the lattice form of the triangles' affine pieces, exact
    on a convex domain (Ovchinnikov's selectors, one per cell of each
    triangle's arrangement).  A non-convex domain (an L, a hole, separate
    pieces) is first filled to its convex hull with triangles on the same
    points, then the result is checked exactly triangle by triangle.
    Overlapping triangles and vertices inside another triangle's edge are
    refused (:class:`~symnet.errors.ArgumentError`).

    Examples
    --------
    >>> import symnet
    >>> from symnet.constructions import triangulation
    >>> pts = [(0, 0), (1, 0), (0, 1), (1, 1)]
    >>> net = triangulation(pts, [(0, 1, 3), (0, 3, 2)], [0, 0, 0, 1])
    >>> pw = symnet.piecewise(net, box=[(0, 1), (0, 1)])
    >>> sorted(str(r.expressions()[0]) for r in pw.merged())
    ['x1', 'x2']
    """
    pts = [_vector(p, f"points[{i}]") for i, p in enumerate(points)]
    if any(len(p) != 2 for p in pts):
        raise ShapeError("triangulation(): points must be 2-D")
    vals = _vector(values, "values")
    if len(vals) != len(pts):
        raise ShapeError(f"triangulation(): {len(pts)} points but {len(vals)} values")
    tris = []
    for t in triangles:
        t = tuple(int(i) for i in t)
        if len(t) != 3 or any(not 0 <= i < len(pts) for i in t):
            raise ShapeError(f"triangulation(): bad triangle {t}")
        tris.append(t)
    if not tris:
        raise ShapeError("triangulation(): no triangles")
    A, b, region_pts = [], [], []
    for t in tris:
        if _cross(*(pts[i] for i in t)) == 0:
            raise ArgumentError(f"triangulation(): the triangle {t} is degenerate")
        gx, gy, c = _plane(pts, t, vals)
        A.append([gx, gy])
        b.append(c)
        region_pts.append([pts[i] for i in t])
    _check_conforming(pts, tris)
    given = len(tris)
    if not _union_is_convex(pts, tris):
        # fill the convex hull with triangles on the same vertices: the interpolant extends
        # continuously to a convex domain, where the lattice form is exact (Ovchinnikov)
        for t in _fill_to_hull(pts, tris):
            gx, gy, c = _plane(pts, t, vals)
            A.append([gx, gy])
            b.append(c)
            region_pts.append([pts[i] for i in t])
            tris.append(t)
    net = lattice(A, b, regions=region_pts, inputs=inputs)
    if len(tris) > given or not _union_is_convex(pts, tris):
        from .regions import piecewise
        for t, row, bi in zip(tris[:given], A, b):
            P = [pts[i] for i in t]
            sys_A, sys_b = _triangle_system(P)
            pw = piecewise(net, box=(sys_A, sys_b))
            for r in pw.regions:
                M, c = r._affine_q()
                if list(M[0]) != list(row) or c[0] != bi:
                    raise NotSupportedError(
                        "triangulation(): the domain is not convex and the lattice form "
                        f"differs from the interpolant on the triangle {t}")
    return net


def _plane(pts, t, vals):
    """``(gx, gy, c)`` of the affine function through the values at a triangle's corners."""
    (x0, y0), (x1, y1), (x2, y2) = (pts[i] for i in t)
    det = _cross(pts[t[0]], pts[t[1]], pts[t[2]])
    v0, v1, v2 = (vals[i] for i in t)
    gx = ((v1 - v0) * (y2 - y0) - (v2 - v0) * (y1 - y0)) / det
    gy = ((x1 - x0) * (v2 - v0) - (x2 - x0) * (v1 - v0)) / det
    return gx, gy, v0 - gx * x0 - gy * y0


def _fill_to_hull(pts, tris, max_triangles=2000):
    """Triangles on the given vertices filling the convex hull around a triangulation.

    An advancing front over the union's boundary: each open boundary edge
    gets the visible vertex of the Delaunay choice (no other candidate
    inside the circle through the edge and it) among those whose triangle
    overlaps nothing and holds no other vertex.  Exact arithmetic throughout;
    NotSupportedError if the front gets stuck (it should not on a conforming
    triangulation) or the triangulation is too large for this construction.
    """
    cross = _cross
    used = sorted({i for t in tris for i in t})
    if len(tris) + 2 * len(used) > max_triangles:
        raise NotSupportedError(f"triangulation(): the domain is not convex and the "
                                f"triangulation has {len(tris)} triangles; filling its hull is "
                                f"limited to {max_triangles}")
    hull_area2 = abs(_area2(_hull(sorted({tuple(pts[i]) for i in used}))))   # twice the area
    area2 = sum(abs(cross(*(pts[i] for i in t))) for t in tris)
    ccw = [t if cross(*(pts[i] for i in t)) > 0 else (t[0], t[2], t[1]) for t in tris]
    edges = {}
    for t in ccw:
        for k in range(3):
            edges[(t[k], t[(k + 1) % 3])] = True
    added = []
    all_tris = list(ccw)

    def open_edges():
        # directed edges of the union's boundary, the union on their left
        return [(i, j) for (i, j) in edges if (j, i) not in edges]

    def fits(t):
        P = [pts[i] for i in t]
        for q in all_tris:
            Q = [pts[i] for i in q]
            if not _separated(P, Q):
                return False
        for v in used:
            if v in t:
                continue
            x = pts[v]
            s0, s1, s2 = (cross(P[k], P[(k + 1) % 3], x) for k in range(3))
            if s0 >= 0 and s1 >= 0 and s2 >= 0:   # inside or on an edge (t is ccw)
                return False
        return True

    while area2 < hull_area2:
        progress = False
        for (i, j) in open_edges():
            a, b_ = pts[i], pts[j]
            best = None
            for k in used:
                if k in (i, j) or cross(a, b_, pts[k]) >= 0:   # the union lies on the left
                    continue
                t = (j, i, k)                                   # ccw, on the right of i->j
                if best is not None and not _in_circle(pts[j], pts[i], pts[best], pts[k]):
                    continue
                if fits(t):
                    best = k
            if best is None:
                continue
            t = (j, i, best)
            all_tris.append(t)
            added.append(t)
            for k in range(3):
                edges[(t[k], t[(k + 1) % 3])] = True
            area2 += abs(cross(*(pts[v] for v in t)))
            progress = True
            break
        if not progress:
            raise NotSupportedError("triangulation(): the domain is not convex and its hull "
                                    "could not be filled with triangles on the given points")
    return added


def _in_circle(a, b_, c, d):
    """True when ``d`` is strictly inside the circle through the ccw triangle ``a, b, c``."""
    rows = [(p[0] - d[0], p[1] - d[1]) for p in (a, b_, c)]
    m = [(x, y, x * x + y * y) for x, y in rows]
    det = (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
           - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
           + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))
    return det > 0


def _separated(P, Q):
    """True when the triangles' interiors are disjoint (an edge normal separates them)."""
    for R in (P, Q):
        for k in range(3):
            (ax, ay), (bx, by) = R[k], R[(k + 1) % 3]
            nx, ny = by - ay, ax - bx
            p = [nx * x + ny * y for x, y in P]
            q = [nx * x + ny * y for x, y in Q]
            if max(p) <= min(q) or max(q) <= min(p):
                return True
    return False


def _check_conforming(pts, tris):
    """Refuse triangles whose interiors overlap, and vertices inside another triangle's edge.

    Both are checked exactly: two triangles' interiors are disjoint iff one of
    their six edge normals separates them (weakly); a vertex strictly inside
    an edge it is not an end of makes the interpolant discontinuous there.
    """
    corners = [[pts[i] for i in t] for t in tris]
    boxes = [(min(p[0] for p in P), max(p[0] for p in P), min(p[1] for p in P),
              max(p[1] for p in P)) for P in corners]

    for i in range(len(tris)):
        for j in range(i + 1, len(tris)):
            bi, bj = boxes[i], boxes[j]
            if bi[1] <= bj[0] or bj[1] <= bi[0] or bi[3] <= bj[2] or bj[3] <= bi[2]:
                continue
            if not _separated(corners[i], corners[j]):
                raise ArgumentError(f"triangulation(): the triangles {tris[i]} and {tris[j]} "
                                    "overlap; expected triangles with disjoint interiors")
    used = sorted({i for t in tris for i in t})
    for t in tris:
        for k in range(3):
            a, b_ = t[k], t[(k + 1) % 3]
            (ax, ay), (bx, by) = pts[a], pts[b_]
            for v in used:
                if v in (a, b_):
                    continue
                x, y = pts[v]
                if _cross(pts[a], pts[b_], pts[v]) != 0:
                    continue
                s_ = (x - ax) * (bx - ax) + (y - ay) * (by - ay)
                if 0 < s_ < (bx - ax) ** 2 + (by - ay) ** 2:
                    raise ArgumentError(
                        f"triangulation(): point {v} lies inside the edge {(a, b_)} of the "
                        f"triangle {t}; expected a conforming triangulation (split that "
                        "triangle at the point)")


def _triangle_system(P):
    """``A x <= b`` of a triangle (exact)."""
    (x0, y0), (x1, y1), (x2, y2) = P
    orient = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
    A, b = [], []
    for (ax, ay), (bx, by) in ((P[0], P[1]), (P[1], P[2]), (P[2], P[0])):
        # inside is to the left of a->b for counter-clockwise triangles
        nx, ny = (by - ay), -(bx - ax)
        if orient < 0:
            nx, ny = -nx, -ny
        A.append([nx, ny])
        b.append(nx * ax + ny * ay)
    return A, b


def _union_is_convex(pts, tris):
    hull = _hull(sorted({tuple(pts[i]) for t in tris for i in t}))
    return abs(_area2(hull)) == sum(abs(_area2([pts[i] for i in t])) for t in tris)


def _cross(o, a, b):
    """Twice the signed area of the triangle ``o, a, b`` (> 0: counter-clockwise)."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _hull(P):
    cross = _cross
    lower, upper = [], []
    for p in P:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(P):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


# ---------------------------------------------------------------------------
# sharing one hidden layer
# ---------------------------------------------------------------------------

def shared_hidden_layer(networks, *, inputs=None):
    """Several one-hidden-layer networks as one multi-output network with one hidden layer.

    Hidden units with the same activation and the same hyperplane (rows equal
    after positive rescaling, for relu and leaky_relu) are shared: Huang's
    parameter sharing.  Outputs are stacked in order.

    Examples
    --------
    >>> from symnet.constructions import interpolant_1d, shared_hidden_layer
    >>> f = interpolant_1d([0, 1, 2], [0, 1, 0])
    >>> g = interpolant_1d([0, 1], [0, 2])
    >>> h = shared_hidden_layer([f, g])
    >>> [len(s.nodes) for s in f.stages()], [len(s.nodes) for s in h.stages()]
    ([3, 1], [3, 2])
    """
    from .exactnet import compile_network

    nets = list(networks)
    if not nets:
        raise ShapeError("shared_hidden_layer(): give at least one network")
    ens = [compile_network(n) for n in nets]
    d = ens[0].n_inputs
    if any(e.n_inputs != d for e in ens):
        raise ShapeError("shared_hidden_layer(): the networks have different numbers of inputs")
    units, index = [], {}
    outs = []
    for e, net in zip(ens, nets):
        dl = net.dense_layers()
        if dl is None or len(e.stages) != 2 or e.stages[1].units[0].kinks:
            raise NotSupportedError("shared_hidden_layer(): every network must be a dense "
                                    "network with one hidden layer and affine outputs")
        h, o = e.stages
        if any(u.name != h.units[0].name for u in h.units):
            raise NotSupportedError("shared_hidden_layer(): one activation per hidden layer")
        local = []
        for row, bias, u in zip(h.W, h.b, h.units):
            full = list(row) + [bias]
            scale = fmpq(1)
            if u.homogeneous:
                a = next((abs(v) for v in full if v != 0), None)
                if a is not None:
                    scale = a
                    full = [v / a for v in full]
            key = (u.name, tuple(full))
            if key not in index:
                index[key] = len(units)
                units.append(key)
            local.append((index[key], scale))
        for row, bias, u in zip(o.W, o.b, o.units):
            coef = {}
            for w, (j, scale) in zip(row, local):
                coef[j] = coef.get(j, fmpq(0)) + w * scale
            s, c = u.slopes[0], u.intercepts[0]
            outs.append(({j: s * v for j, v in coef.items()}, s * bias + c))
    names = {k[0] for k in units}
    if len(names) > 1:
        raise NotSupportedError(f"shared_hidden_layer(): mixed hidden activations {names}")
    act = units[0][0] if units else "relu"
    W1 = [list(k[1][:-1]) for k in units]
    b1 = [k[1][-1] for k in units]
    W2 = [[f[0].get(j, fmpq(0)) for j in range(len(units))] for f in outs]
    b2 = [f[1] for f in outs]
    return _dense([(W1, b1, act), (W2, b2, "identity")], inputs)


_ = (math, sympy, to_fmpq)

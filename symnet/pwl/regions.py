"""ReLU-family networks as exact piecewise-linear maps: regions, patterns, affine maps.

:func:`piecewise` enumerates the linear regions of a network whose
activations are piecewise linear (relu, leaky_relu[a], hardtanh[lo, hi],
identity, in any mix, skip connections allowed) on a box, a polyhedron or all
of ``R^d``, exactly: every breakpoint, vertex, inequality and affine map is a
rational number (float weights are taken at their exact binary value, so the
answer is exact for the network as stored).

Conventions
-----------
* A **region** is the closure of the set of points sharing one activation
  pattern, with non-empty interior.  Its **pattern** has one piece index per
  *kinked* unit (``pw.units``), in network order: for relu ``0`` is inactive
  (``z < 0``) and ``1`` active; hardtanh has pieces ``0, 1, 2``.
* ``region.affine`` is ``(M, c)`` as **sympy Matrices** (``M`` of shape
  ``(outputs, inputs)``, ``c`` a column), exact Rationals: ``f(x) = M x + c``.
* Points are tuples of sympy Rationals.  Floats are refused as points (pass
  ``Fraction``, ``Rational`` or strings such as ``"1/3"``).
* Regions are listed left to right for one input; for more inputs by
  pattern, the last unit most significant (so ``relu(x1) + relu(x2)`` lists
  the patterns ``(0,0), (1,0), (0,1), (1,1)``).

Examples
--------
>>> import symnet
>>> from symnet import Network
>>> net = Network.dense([[[1, 0], [0, 1]], [[1, 1]]], activations=["relu", "identity"])
>>> pw = symnet.piecewise(net)
>>> len(pw), [r.pattern for r in pw.regions]
(4, [(0, 0), (1, 0), (0, 1), (1, 1)])
>>> pw.regions[3].affine
(Matrix([[1, 1]]), Matrix([[0]]))
>>> pw(["1/2", -3])
(1/2,)
"""

from __future__ import annotations

import math

import sympy
from flint import fmpq, fmpq_mat

from ..errors import ArgumentError, BoxError, NotSupportedError, ResourceError, ShapeError
from .engine import BudgetExceeded, Cell, check_resources, enumerate_lp, enumerate_vertex, lp_facets
from .exactnet import compile_network, fmpq_to_sympy, parse_exact, to_fmpq
from .region_bounds import upper_bound
from .polyhedra import _int_row, box_cone, box_rows, polyhedron_cone, whole_space_cone

__all__ = ["piecewise", "PiecewiseLinear", "Region", "Facet", "local_affine", "LocalAffine",
           "Box", "parse_box", "DEFAULT_MAX_REGIONS"]

#: Regions enumerated before :func:`piecewise` stops with an estimate.
DEFAULT_MAX_REGIONS = 100_000
#: seconds an enumeration may run before it stops with a ResourceError (``timeout=None``: no limit)
DEFAULT_TIMEOUT = 600.0
#: Inputs up to which the vertex engine is used by default.
VERTEX_MAX_INPUTS = 5


def _S(q):
    return fmpq_to_sympy(q)


# ---------------------------------------------------------------------------
# boxes
# ---------------------------------------------------------------------------

class Box:
    """A domain: all of ``R^d`` (``kind == "space"``), a box or a polyhedron ``A x <= b``.

    Attributes
    ----------
    kind : ``"space"``, ``"box"`` or ``"polyhedron"``
    bounds : list of (lo, hi) fmpq pairs (boxes)
    A, b : fmpq rows (polyhedra)
    center : an exact interior point (fmpq tuple)

    Examples
    --------
    >>> from symnet.pwl.regions import parse_box
    >>> b = parse_box([(0, 2), (-1, 1)], 2)
    >>> b.kind, b.center, b.volume()
    ('box', (1, 0), 4)
    """

    def __init__(self, kind, d, bounds=None, A=None, b=None, center=None):
        self.kind, self.d, self.bounds, self.A, self.b = kind, d, bounds, A, b
        self.center = center if center is not None else tuple(fmpq(0) for _ in range(d))

    def cone(self):
        if self.kind == "space":
            return whole_space_cone(self.d)
        if self.kind == "box":
            return box_cone(self.bounds)
        return polyhedron_cone(self.A, self.b)

    def rows(self):
        """Inward homogeneous integer rows with metadata (for the LP engine)."""
        if self.kind == "space":
            return []
        if self.kind == "box":
            return [(r, ("box", i // 2, i % 2)) for i, r in enumerate(box_rows(self.bounds))]
        return [(_int_row([-a for a in row] + [bi]), ("poly", i))
                for i, (row, bi) in enumerate(zip(self.A, self.b))]

    def contains(self, x):
        if self.kind == "space":
            return True
        if self.kind == "box":
            return all(lo <= v <= hi for v, (lo, hi) in zip(x, self.bounds))
        return all(sum((a * v for a, v in zip(row, x)), fmpq(0)) <= bi
                   for row, bi in zip(self.A, self.b))

    @property
    def bounded(self):
        return self.kind == "box" or (self.kind == "polyhedron" and self._bounded)

    def volume(self):
        if self.kind == "box":
            v = fmpq(1)
            for lo, hi in self.bounds:
                v *= hi - lo
            return v
        return None

    def to_python(self):
        if self.kind == "space":
            return None
        if self.kind == "box":
            return [(_S(lo), _S(hi)) for lo, hi in self.bounds]
        return ([[_S(a) for a in r] for r in self.A], [_S(v) for v in self.b])

    def __repr__(self):
        if self.kind == "space":
            return f"R^{self.d}"
        if self.kind == "box":
            return " x ".join(f"[{_S(lo)}, {_S(hi)}]" for lo, hi in self.bounds)
        return f"polyhedron ({len(self.A)} inequalities in R^{self.d})"


def _box_number(v, where):
    from .._validate import as_exact

    if isinstance(v, fmpq):
        return v
    if isinstance(v, float) and not math.isfinite(v):
        raise BoxError(f"{where}: expected a finite number, got {v!r}")
    try:
        e = as_exact(v, where)
    except Exception as err:  # WeightError, ParseError
        raise BoxError(str(err)) from None
    if not e.is_Rational:
        raise BoxError(f"{where}: expected a finite rational number, got {e}")
    return fmpq(int(e.p), int(e.q))


def _is_matrix(m):
    try:
        return len(m) > 0 and all(hasattr(r, "__len__") and not isinstance(r, str) for r in m)
    except TypeError:
        return False


def parse_box(box, d):
    """A :class:`Box` from ``None``, ``[(lo, hi), ...]`` or a polyhedron ``(A, b)``.

    Floats are taken at their exact binary value; strings such as ``"1/3"``
    are parsed.  Raises :class:`~symnet.errors.BoxError` for a wrong
    dimension, ``lo >= hi`` or an empty interior.

    Examples
    --------
    >>> from symnet.pwl.regions import parse_box
    >>> parse_box([(-1, "1/2")], 1)
    [-1, 1/2]
    >>> parse_box([(1, 0)], 1)
    Traceback (most recent call last):
    ...
    symnet.errors.BoxError: box: input 1 has lo = 1 > hi = 0
    """
    if box is None:
        return Box("space", d)
    if isinstance(box, Box):
        if box.d != d:
            raise BoxError(f"box: the box has {box.d} dimensions, the network {d} inputs")
        return box
    if isinstance(box, (str, bytes)) or not hasattr(box, "__len__"):
        raise BoxError(f"box: expected [(lo, hi), ...] (one pair per input) or a polyhedron "
                       f"(A, b), got {type(box).__name__} {box!r}")
    box = list(box)
    if len(box) == 2 and _is_matrix(box[0]):
        return _parse_polyhedron(box[0], box[1], d)
    if d == 1 and len(box) == 2 and not _is_matrix(box[0]) and not _is_matrix(box):
        box = [tuple(box)]
    if len(box) != d:
        raise BoxError(f"box: expected {d} (lo, hi) pairs (one per input), got {len(box)}")
    bounds = []
    for i, pair in enumerate(box, start=1):
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise BoxError(f"box: input {i}: expected a pair (lo, hi), got {pair!r}")
        lo = _box_number(pair[0], f"box: input {i} lo")
        hi = _box_number(pair[1], f"box: input {i} hi")
        if lo > hi:
            raise BoxError(f"box: input {i} has lo = {_S(lo)} > hi = {_S(hi)}")
        if lo == hi:
            raise BoxError(f"box: input {i} has lo = hi = {_S(lo)}: the box has no interior")
        bounds.append((lo, hi))
    center = tuple((lo + hi) / 2 for lo, hi in bounds)
    return Box("box", d, bounds=bounds, center=center)


def _parse_polyhedron(A, b, d):
    try:
        A = [list(r) for r in A]
        b = list(b)
    except TypeError:
        raise BoxError("box: a polyhedron is (A, b) with A a matrix and b a vector") from None
    if any(len(r) != d for r in A):
        raise BoxError(f"box: the polyhedron's A must have {d} columns (one per input), got "
                       f"rows of lengths {sorted({len(r) for r in A})}")
    if len(A) != len(b):
        raise BoxError(f"box: A has {len(A)} rows but b has {len(b)} entries")
    Aq = [[_box_number(a, f"box: A[{i}][{j}]") for j, a in enumerate(r)] for i, r in enumerate(A)]
    bq = [_box_number(v, f"box: b[{i}]") for i, v in enumerate(b)]
    for i, r in enumerate(Aq):
        if not any(r):
            if bq[i] < 0:
                raise BoxError(f"box: row {i} reads 0 <= {_S(bq[i])}: the polyhedron is empty")
    cone = polyhedron_cone(Aq, bq)
    if cone.rank() != d + 1 or not any(g.vec[-1] > 0 for g in cone.gens):
        raise BoxError("box: the polyhedron A x <= b has an empty interior")
    center = cone.interior_point()
    out = Box("polyhedron", d, A=Aq, b=bq, center=center)
    out._bounded = not cone.lin and all(g.vec[-1] > 0 for g in cone.gens)
    return out


def parse_point(x, d, where="x"):
    """An exact point (fmpq tuple) of ``d`` coordinates; floats refused."""
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        if d == 1:
            x = [x]
        else:
            raise ShapeError(f"{where}: expected {d} coordinates, got {x!r}")
    x = list(x)
    if len(x) != d:
        raise ShapeError(f"{where}: expected {d} coordinates (one per input), got {len(x)}")
    return tuple(parse_exact(v, f"{where}[{i}]") for i, v in enumerate(x))


# ---------------------------------------------------------------------------
# regions
# ---------------------------------------------------------------------------

class Facet:
    """One irredundant inequality of a region: ``a . x <= b``.

    Attributes
    ----------
    a : tuple of sympy Rationals (primitive integers)
    b : sympy Rational
    source : tuple
        ``("unit", node, kink index)`` for a unit's kink hyperplane,
        ``("box", input index, 0 for lo / 1 for hi)`` or ``("poly", row)``.

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> pw = symnet.piecewise(Network.dense([[[1]], [[1]]], activations=["relu", "identity"]),
    ...                       box=[(-1, 1)])
    >>> pw.regions[0].facets
    [Facet((1,) . x <= 0, ('unit', (1, 1), 0)), Facet((-1,) . x <= 1, ('box', 0, 0))]
    """

    __slots__ = ("a", "b", "source", "_row")

    def __init__(self, row, source, d):
        self._row = row  # inward homogeneous integer row: row[:d] . x + row[d] >= 0
        self.a = tuple(sympy.Integer(-v) for v in row[:d])
        self.b = sympy.Integer(row[d])
        self.source = source

    @property
    def on_box(self):
        """True for a face of the box (or polyhedron), False for a unit's hyperplane."""
        return self.source[0] in ("box", "poly")

    def __repr__(self):
        return f"Facet({self.a} . x <= {self.b}, {self.source})"


def _independent(vectors, D):
    """Indices of D linearly independent vectors (greedy, exact)."""
    basis, idx = [], []
    for i, v in enumerate(vectors):
        w = [fmpq(a) for a in v]
        for piv, b in basis:
            if w[piv]:
                f = w[piv] / b[piv]
                w = [x - f * y for x, y in zip(w, b)]
        piv = next((j for j, x in enumerate(w) if x), None)
        if piv is not None:
            basis.append((piv, w))
            idx.append(i)
            if len(idx) == D:
                break
    return idx


class Region:
    """One linear region (or, after :meth:`PiecewiseLinear.merged`, a union of them).

    Attributes
    ----------
    index : int
        Position in ``pw.regions``.
    pattern : tuple of int
        One piece index per kinked unit (``pw.units``); for a merged region,
        the pattern of its first cell (all in ``patterns``).
    affine : (sympy.Matrix, sympy.Matrix)
        ``(M, c)`` with ``f(x) = M x + c`` on the region, exact.
    interior_point : tuple of sympy Rationals
        Strictly inside the region (and the open box).
    cells : tuple of Region
        The convex regions making up a merged region (``(self,)`` otherwise).

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> pw = symnet.piecewise(Network.dense([[[1]], [[2]]], activations=["relu", "identity"]),
    ...                       box=[(-1, 1)])
    >>> r = pw.regions[1]
    >>> r.pattern, r.affine, r.interior_point, r.vertices
    ((1,), (Matrix([[2]]), Matrix([[0]])), (1/2,), [(0,), (1,)])
    >>> r.inequalities
    (Matrix([
    [-1],
    [ 1]]), Matrix([
    [0],
    [1]]))
    """

    def __init__(self, pw, cell, index=0, cells=None):
        self._pw = pw
        self._cell = cell
        self.index = index
        self._cells = cells
        self._affine = None
        self._facets = None
        self._point = None

    # -- identity --------------------------------------------------------------
    @property
    def pattern(self):
        if self._cells is not None:
            return self._cells[0].pattern
        return self._cell.pattern

    @property
    def patterns(self):
        """Every pattern in the region (one for a convex region)."""
        return tuple(c.pattern for c in self.cells)

    @property
    def cells(self):
        return self._cells if self._cells is not None else (self,)

    @property
    def is_convex_cell(self):
        """True for one linear region (a convex polyhedron)."""
        return self._cells is None or len(self._cells) == 1

    def activation(self):
        """``{node: piece}`` for every kinked unit."""
        return dict(zip(self._pw.units, self.pattern))

    # -- the map ---------------------------------------------------------------
    def _affine_q(self):
        if self._cells is not None:
            return self._cells[0]._affine_q()
        cell = self._cell
        if cell.affine is None:
            cell.affine = self._pw._solve_affine(cell)
        return cell.affine

    @property
    def affine(self):
        if self._affine is None:
            M, c = self._affine_q()
            self._affine = (sympy.Matrix([[_S(v) for v in r] for r in M]),
                            sympy.Matrix([[_S(v)] for v in c]))
        return self._affine

    def expressions(self):
        """The affine map as sympy expressions of the inputs (a tuple, one per output)."""
        M, c = self._affine_q()
        xs = self._pw.inputs
        return tuple(sympy.Add(*[_S(a) * x for a, x in zip(row, xs) if a], _S(ci))
                     for row, ci in zip(M, c))

    def value(self, x):
        """Exact values of the affine map at an exact point (a tuple)."""
        x = parse_point(x, self._pw.n_inputs)
        return tuple(_S(v) for v in self._value_q(x))

    def _value_q(self, x):
        M, c = self._affine_q()
        return [sum((a * v for a, v in zip(row, x)), fmpq(0)) + ci for row, ci in zip(M, c)]

    # -- geometry -------------------------------------------------------------
    def _point_q(self):
        if self._cells is not None:
            return self._cells[0]._point_q()
        if self._point is None:
            cell = self._cell
            self._point = cell.point if cell.cone is None else cell.cone.interior_point()
        return self._point

    @property
    def interior_point(self):
        return tuple(_S(v) for v in self._point_q())

    def _facets_q(self):
        """[(inward homogeneous integer row, source)] of the irredundant inequalities."""
        if self._cells is not None:
            if len(self._cells) == 1:
                return self._cells[0]._facets_q()
            return None
        if self._facets is None:
            cell = self._cell
            d = self._pw.n_inputs
            out = []
            if cell.cone is not None:
                cone = cell.cone
                for k in cone.facets():
                    meta = cone.cons[k]
                    if meta[0] == "inf":
                        continue
                    out.append((cone.facet_row(k), meta))
            else:
                for i in lp_facets(cell.rows, d):
                    out.append(cell.rows[i])
            out.sort(key=lambda f: (f[1][0] != "unit", f[0]))
            self._facets = out
        return self._facets

    @property
    def facets(self):
        """The irredundant inequalities as :class:`Facet` objects (None for a non-convex union)."""
        fq = self._facets_q()
        if fq is None:
            return None
        d = self._pw.n_inputs
        return [Facet(row, self._pw._source(meta), d) for row, meta in fq]

    @property
    def inequalities(self):
        """``(A, b)`` (sympy Matrices) with the region ``= {x : A x <= b}``, irredundant.

        None for a merged region made of several cells (see :attr:`cells`).
        """
        fs = self.facets
        if fs is None:
            return None
        d = self._pw.n_inputs
        if not fs:
            return sympy.zeros(0, d), sympy.zeros(0, 1)
        return (sympy.Matrix([list(f.a) for f in fs]), sympy.Matrix([[f.b] for f in fs]))

    def _generators(self):
        cell = self.cells[0]._cell
        if cell.cone is None:
            from .polyhedra import polyhedron_cone
            d = self._pw.n_inputs
            A = [[fmpq(-a) for a in r[:d]] for r, _ in cell.rows]
            b = [fmpq(r[d]) for r, _ in cell.rows]
            if not A:
                cone = whole_space_cone(d)
            else:
                cone = polyhedron_cone(A, b)
            cell.cone = cone
        return cell.cone

    @property
    def is_bounded(self):
        return all(not c._generators().lin and all(g.vec[-1] > 0 for g in c._generators().gens)
                   for c in self.cells)

    @property
    def vertices(self):
        """The vertices (exact tuples, sorted); of every cell for a merged region."""
        out = set()
        for c in self.cells:
            cone = c._generators()
            for g in cone.gens:
                t = g.vec[-1]
                if t > 0:
                    out.add(tuple(fmpq(v, t) for v in g.vec[:-1]))
        return [tuple(_S(v) for v in p) for p in sorted(out)]

    @property
    def rays(self):
        """Recession directions (integer tuples; lineality directions appear with both signs)."""
        out = set()
        for c in self.cells:
            cone = c._generators()
            for g in cone.gens:
                if g.vec[-1] == 0:
                    out.add(g.vec[:-1])
            for g in cone.lin:
                out.add(g.vec[:-1])
                out.add(tuple(-v for v in g.vec[:-1]))
        return [tuple(sympy.Integer(v) for v in r) for r in sorted(out)]

    def _contains_q(self, x):
        for c in self.cells:
            fq = c._facets_q()
            d = len(x)
            if all(sum((a * v for a, v in zip(row[:d], x)), fmpq(row[d])) >= 0 for row, _ in fq):
                return True
        return False

    def contains(self, x):
        """True when the exact point ``x`` lies in the (closed) region."""
        return self._contains_q(parse_point(x, self._pw.n_inputs))

    def volume(self):
        """Exact length (1 input) or area (2 inputs) of a bounded region.

        Examples
        --------
        >>> import symnet
        >>> from symnet import Network
        >>> pw = symnet.piecewise(Network.dense([[[1, 1]], [[1]]], activations=["relu",
        ...                       "identity"]), box=[(0, 1), (-1, 1)])
        >>> [r.volume() for r in pw.regions]
        [1/2, 3/2]
        """
        d = self._pw.n_inputs
        if not self.is_bounded:
            return sympy.oo
        total = fmpq(0)
        for c in self.cells:
            cone = c._generators()
            pts = [tuple(fmpq(v, g.vec[-1]) for v in g.vec[:-1]) for g in cone.gens]
            if d == 1:
                xs = [p[0] for p in pts]
                total += max(xs) - min(xs)
            elif d == 2:
                total += _polygon_area(pts)
            else:
                raise NotSupportedError("volume() is implemented for 1 and 2 inputs")
        return _S(total)

    def polygon(self):
        """The vertices of a bounded 2-D region in counter-clockwise order (exact)."""
        cone = self._generators()
        pts = [tuple(fmpq(v, g.vec[-1]) for v in g.vec[:-1]) for g in cone.gens
               if g.vec[-1] > 0]
        return [tuple(_S(v) for v in p) for p in _ccw(pts)]

    def __repr__(self):
        M, c = self.affine
        n = f", {len(self.cells)} cells" if not self.is_convex_cell else ""
        return (f"<Region {self.index}: pattern {self.pattern}{n}, "
                f"f = {sympy.sstr(self.expressions()[0] if len(c) == 1 else self.expressions())}>")


def _ccw(pts):
    """Points of a convex polygon in counter-clockwise order (exact)."""
    n = len(pts)
    if n < 3:
        return list(pts)
    cx = sum((p[0] for p in pts), fmpq(0)) / n
    cy = sum((p[1] for p in pts), fmpq(0)) / n

    def half(p):
        dx, dy = p[0] - cx, p[1] - cy
        return 0 if (dy > 0 or (dy == 0 and dx > 0)) else 1

    import functools

    def cmp(p, q):
        hp, hq = half(p), half(q)
        if hp != hq:
            return hp - hq
        cr = (p[0] - cx) * (q[1] - cy) - (p[1] - cy) * (q[0] - cx)
        return -1 if cr > 0 else (1 if cr < 0 else 0)
    return sorted(pts, key=functools.cmp_to_key(cmp))


def _polygon_area(pts):
    P = _ccw(pts)
    acc = fmpq(0)
    for i in range(len(P)):
        (x1, y1), (x2, y2) = P[i], P[(i + 1) % len(P)]
        acc += x1 * y2 - x2 * y1
    return abs(acc) / 2


# ---------------------------------------------------------------------------
# the piecewise-linear map
# ---------------------------------------------------------------------------

class PiecewiseLinear:
    """A network's exact piecewise-linear map on a box: its regions and affine maps.

    Built by :func:`piecewise`.  ``len(pw)`` is the number of regions,
    ``pw.regions[i]`` a :class:`Region`, ``pw(x)`` the exact values at an exact
    point of the closed box (a tuple, one per output).

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> net = Network.dense([[[1], [1]], [[1, -1]]], biases=[[0, -1], [0]],
    ...                     activations=["relu", "identity"])
    >>> pw = symnet.piecewise(net, box=[(-2, 3)])
    >>> len(pw), pw.breakpoints, len(pw.merged())
    (3, [0, 1], 3)
    >>> pw.as_piecewise()
    Piecewise((0, x1 < 0), (x1, x1 <= 1), (1, True))
    """

    def __init__(self, en, cells, box, out_idx=None, out_scales=None, *, net=None,
                 method="vertex", merged_from=None, groups=None):
        self._en = en
        self._box = box
        self._out_idx = out_idx
        self._out_scales = out_scales
        self._net = net
        self.method = method
        self.inputs = en.inputs
        self.n_inputs = en.n_inputs
        self.n_outputs = en.n_outputs
        self.units = tuple(en.unit(p).node for p in en.kinked)
        self._merged_from = merged_from
        if groups is not None:
            self.regions = [Region(self, None, i, cells=tuple(g)) for i, g in enumerate(groups)]
        else:
            regions = [Region(self, c) for c in cells]
            regions = self._sorted(regions)
            for i, r in enumerate(regions):
                r.index = i
            self.regions = regions
        self._by_pattern = {}
        for r in self.regions:
            for c in r.cells:
                self._by_pattern[c.pattern] = r
        self._merged = None

    def _sorted(self, regions):
        if self.n_inputs == 1:
            return sorted(regions, key=lambda r: r._point_q()[0])
        return sorted(regions, key=lambda r: tuple(reversed(r.pattern)))

    # -- container protocol ---------------------------------------------------
    def __len__(self):
        return len(self.regions)

    def __iter__(self):
        return iter(self.regions)

    def __getitem__(self, i):
        return self.regions[i]

    @property
    def box(self):
        """The domain: None (all of R^d), [(lo, hi), ...] or (A, b), exact."""
        return self._box.to_python()

    @property
    def network(self):
        return self._net

    # -- internals ------------------------------------------------------------
    def _source(self, meta):
        if meta[0] == "unit":
            return ("unit", self._en.unit(meta[1]).node, meta[2])
        return tuple(meta)

    def _solve_affine(self, cell):
        d = self.n_inputs
        cone = cell.cone
        gens = list(cone.gens) + list(cone.lin)
        idx = _independent([g.vec for g in gens], d + 1)
        G = fmpq_mat([[fmpq(v) for v in gens[i].vec] for i in idx])
        Y = fmpq_mat([[fmpq(gens[i].vals[o]) / s for o, s in zip(self._out_idx, self._out_scales)]
                      for i in idx])
        X = G.solve(Y)  # (d+1) x n_out: column o is (M_o, c_o)
        M = [[X[j, o] for j in range(d)] for o in range(self.n_outputs)]
        c = [X[d, o] for o in range(self.n_outputs)]
        return M, c

    def _locate(self, x):
        """The region holding the exact point ``x`` (ties broken toward the box centre)."""
        c = self._box.center
        dirs = [tuple(ci - xi for ci, xi in zip(c, x))]
        d = self.n_inputs
        dirs += [tuple(fmpq(1) if j == i else fmpq(0) for j in range(d)) for i in range(d)]
        pieces, _ = self._en.lex_pattern(x, dirs)
        pat = tuple(pieces[p - d] for p in self._en.kinked)
        r = self._by_pattern.get(pat)
        if r is None:  # pragma: no cover - the lexicographic point lies in some region
            hits = self._region_of_q(x)
            if not hits:
                raise ArithmeticError(f"no region holds the point {x}")
            r = hits[0]
        return r

    def _region_of_q(self, x):
        return [r for r in self.regions if r._contains_q(x)]

    def _check_in_box(self, x, where="x"):
        if not self._box.contains(x):
            raise BoxError(f"{where} = {tuple(_S(v) for v in x)} lies outside the box "
                           f"{self._box!r}")

    # -- evaluation -----------------------------------------------------------
    def __call__(self, x):
        """Exact values at an exact point of the closed box (a tuple, one per output).

        Floats are refused (pass Fraction, sympy Rational or strings like "1/3").
        """
        x = parse_point(x, self.n_inputs)
        self._check_in_box(x)
        r = self._locate(x)
        return tuple(_S(v) for v in r._value_q(x))

    def region_of(self, x):
        """Every region whose closure holds the exact point ``x`` (a list; several on a boundary).

        Examples
        --------
        >>> import symnet
        >>> from symnet import Network
        >>> pw = symnet.piecewise(Network.dense([[[1, 0], [0, 1]], [[1, 1]]],
        ...                                     activations=["relu", "identity"]))
        >>> [r.pattern for r in pw.region_of([0, 0])], [r.pattern for r in pw.region_of([1, 1])]
        ([(0, 0), (1, 0), (0, 1), (1, 1)], [(1, 1)])
        """
        x = parse_point(x, self.n_inputs)
        self._check_in_box(x)
        return self._region_of_q(x)

    @property
    def breakpoints(self):
        """One input: the sorted exact breakpoints between regions (inside the box)."""
        if self.n_inputs != 1:
            raise NotSupportedError("breakpoints are for networks with one input; use "
                                    "regions and their facets")
        pts = {}
        for r in self.regions:
            for c in r.cells:
                for row, meta in c._facets_q():
                    if meta[0] == "unit":
                        a, b = row[0], -row[1]
                        g = math.gcd(a, b)
                        if a < 0:
                            g = -g
                        pts[(b // g, a // g)] = None
        return [sympy.Rational(n, d) for n, d in sorted(pts, key=lambda nd: fmpq(*nd))]

    # -- merging ----------------------------------------------------------------
    def merged(self):
        """The same map with adjacent regions of equal affine map merged.

        Two regions are adjacent when their closures share a facet; a merged
        region is a union of convex cells (``region.cells``).  ``len(pw.merged())``
        is the number of linear *pieces* of the function.

        Examples
        --------
        >>> import symnet
        >>> from symnet import Network
        >>> net = Network.dense([[[1], [1]], [[1, 0]]], activations=["relu", "identity"])
        >>> len(symnet.piecewise(net)), len(symnet.piecewise(net).merged())
        (2, 2)
        >>> net = Network.dense([[[1], [-1]], [[1, -1]]], activations=["relu", "identity"])
        >>> len(symnet.piecewise(net)), len(symnet.piecewise(net).merged())
        (2, 1)
        """
        if self._merged is not None:
            return self._merged
        groups = {}
        for r in self.regions:
            M, c = r._affine_q()
            key = (tuple(tuple(row) for row in M), tuple(c))
            groups.setdefault(key, []).append(r)
        parent = {r.index: r.index for r in self.regions}

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i
        for rs in groups.values():
            if len(rs) < 2:
                continue
            for i in range(len(rs)):
                for j in range(i + 1, len(rs)):
                    if find(rs[i].index) != find(rs[j].index) and _adjacent(rs[i], rs[j],
                                                                            self.n_inputs):
                        parent[find(rs[j].index)] = find(rs[i].index)
        comps = {}
        for r in self.regions:
            comps.setdefault(find(r.index), []).append(r)
        ordered = sorted(comps.values(), key=lambda g: min(r.index for r in g))
        out = PiecewiseLinear(self._en, None, self._box, self._out_idx, self._out_scales,
                              net=self._net, method=self.method, merged_from=self,
                              groups=ordered)
        out._merged = out
        self._merged = out
        return out

    # -- printing and export (symnet.pwl.printing) ------------------------------
    def as_piecewise(self):
        """The map as a sympy ``Piecewise`` per output (one output: the Piecewise itself).

        Conditions use each region's inequalities on the unit hyperplanes;
        a point on a boundary is given to the region that a step toward the
        box centre enters, so the ``Piecewise`` is exact on the whole closed
        box (on all of R^d without a box).
        """
        from .printing import as_piecewise
        return as_piecewise(self)

    def to_dict(self):
        """The complex as JSON-ready data (exact numbers as strings)."""
        from .printing import to_dict
        return to_dict(self)

    def to_json(self, path=None, indent=None):
        """The complex as JSON text (written to ``path`` when given)."""
        from .printing import to_json
        return to_json(self, path, indent)

    def to_csv(self):
        """One CSV row per region: index, pattern, M, c, interior point."""
        from .printing import to_csv
        return to_csv(self)

    def plot(self, ax=None, **kw):
        """Plot: 1 input, the graph with its breakpoints; 2 inputs, the regions coloured.

        See :func:`symnet.pwl.plot.plot_piecewise` for the options.
        """
        from .plot import plot_piecewise
        return plot_piecewise(self, ax=ax, **kw)

    def _sympystr(self, printer):
        from .printing import sympystr
        return sympystr(self, printer)

    def _latex(self, printer):
        from .printing import latex
        return latex(self, printer)

    def _repr_latex_(self):
        return "$\\displaystyle " + sympy.latex(self) + "$"

    def __str__(self):
        return sympy.sstr(self)

    def __repr__(self):
        kind = "pieces" if self._merged_from is not None else "regions"
        return (f"<PiecewiseLinear: {len(self)} {kind} on {self._box!r}, {self.n_inputs} "
                f"input(s), {self.n_outputs} output(s)>")


def _adjacent(r1, r2, d):
    """True when the closures of two convex regions share a (d-1)-dimensional facet."""
    f1 = r1._facets_q()
    f2 = r2._facets_q()
    rows2 = {row for row, _ in f2}
    for row, _ in f1:
        neg = tuple(-v for v in row)
        if neg not in rows2:
            continue
        if d == 1:
            return True
        # the common facet: r1's cone cut by every r2 inequality must keep dimension d
        cone = r1._generators()
        c = _plain_copy(cone)
        for row2, _ in f2:
            c = c.intersect(row2, ("adj",))
            if not c.gens and not c.lin:
                break
        if (c.gens or c.lin) and c.rank() >= d:
            return True
    return False


def _plain_copy(cone):
    from .polyhedra import Cone, Gen
    return Cone([Gen(g.vec) for g in cone.gens], list(cone.masks),
                [Gen(g.vec) for g in cone.lin], list(cone.cons))


# ---------------------------------------------------------------------------
# entry points
# ---------------------------------------------------------------------------

def _budget_error(e, max_regions, en, box):
    ub = upper_bound(en)
    est = e.estimate if ub is None else min(e.estimate, ub)
    err = ResourceError(
        f"region enumeration stopped at max_regions={max_regions:,}: at least {e.count:,} "
        f"regions on {box!r} by layer {e.stage} (unit {e.unit!r}); about {est:,} expected in "
        f"all (extrapolated{'' if ub is None else f'; upper bound {ub:,}'}). Raise "
        "max_regions, shrink the box, or count with symnet.count_regions")
    err.count, err.estimate = e.count, est
    return err


def _run(en, box, max_regions, method, check=None, timeout=DEFAULT_TIMEOUT):
    import time

    from .._validate import as_seconds

    timeout = as_seconds(timeout, "timeout")
    d = en.n_inputs
    if timeout is not None:
        end, inner = time.monotonic() + timeout, check

        def check():
            if inner is not None:
                inner()
            if time.monotonic() > end:
                raise ResourceError(
                    f"region enumeration stopped after timeout={timeout:g} s on {box!r} (the "
                    f"{d}-input network may have far more regions than can be listed); pass a "
                    "larger timeout (or None), shrink the box, or see symnet.count_regions' "
                    "bounds")
    if method == "auto":
        method = "vertex" if d <= VERTEX_MAX_INPUTS else "lp"
    if method not in ("vertex", "lp"):
        raise ArgumentError(f"method must be 'auto', 'vertex' or 'lp', got {method!r}")
    width = max((len(s.units) for s in en.stages), default=1)
    ub = upper_bound(en)
    check_resources(min(max_regions, ub) if ub is not None else max_regions, d, width)
    try:
        if method == "vertex":
            cells, out_idx = enumerate_vertex(en, box.cone(), max_regions, check)
            _, scales = en.integer_stages()
            return cells, out_idx, scales, method
        rows = box.rows()
        cells = enumerate_lp(en, rows, box.center, max_regions, check)
        return cells, None, None, method
    except BudgetExceeded as e:
        raise _budget_error(e, max_regions, en, box) from None


def piecewise(net, box=None, *, max_regions=DEFAULT_MAX_REGIONS, method="auto",
              timeout=DEFAULT_TIMEOUT):
    """The exact piecewise-linear map of a network on a box.

    Parameters
    ----------
    net : Network
        Activations relu, leaky_relu[a], hardtanh[lo, hi], identity (any mix,
        skip connections allowed, several outputs); weights exact numbers or
        floats (taken at their exact binary value).
    box : None, [(lo, hi), ...] or (A, b)
        The domain: all of R^d (unbounded regions allowed), a box (exact
        ends; floats at their binary value; strings such as "1/3" parsed) or
        the polyhedron ``{x : A x <= b}``.
    max_regions : int
        Stop with a :class:`~symnet.errors.ResourceError` (and an estimate of
        the total) beyond this many regions.
    method : "auto", "vertex" or "lp"
        The vertex engine (exact double description, no LP; default up to 5
        inputs) or the LP engine (float HiGHS filters, exact certificates).
    timeout : float or None
        Stop with a :class:`~symnet.errors.ResourceError` after this many
        seconds (default 600; None: no limit).

    Returns
    -------
    PiecewiseLinear

    Raises
    ------
    ActivationError
        An activation is not piecewise linear (the message names the neuron).
    WeightError
        A weight is symbolic (see :func:`symnet.pwl.pattern_affine` for the
        map of one pattern with symbolic weights).
    BoxError
        The box has the wrong dimension, lo > hi, or no interior.
    ResourceError
        More than ``max_regions`` regions, more than ``timeout`` seconds, or
        not enough memory (refused up front).

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> net = Network.dense([[[1], [-1]], [[1, 1]]], activations=["relu", "identity"])
    >>> pw = symnet.piecewise(net, box=[(-1, 2)])       # |x|
    >>> [r.affine[0][0] for r in pw], pw.breakpoints
    ([-1, 1], [0])
    """
    from .._validate import as_int

    en = compile_network(net)
    max_regions = as_int(max_regions, "max_regions", minimum=1)
    b = parse_box(box, en.n_inputs)
    cells, out_idx, scales, method = _run(en, b, max_regions, method, timeout=timeout)
    return PiecewiseLinear(en, cells, b, out_idx, scales, net=net, method=method)


class LocalAffine:
    """The pattern and affine map of a network at one point (see :func:`local_affine`).

    Attributes
    ----------
    point : tuple of sympy Rationals
    pattern : tuple of int (one piece per kinked unit)
    affine : (M, c) sympy Matrices
    on_boundary : bool
        True when some unit's pre-activation is exactly at a kink: the map
        given is then that of the region entered by a small step from the
        point in the lexicographic direction (``direction`` if given, then
        ``e1``, ``e2``, ...).
    ties : tuple of node keys
        Units exactly at a kink.
    value : tuple of sympy Rationals

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> symnet.local_affine(Network.dense([[[1]], [[1]]], activations=["relu", "identity"]), [0])
    <LocalAffine at (0,): pattern (1,), on a boundary (ties: (1, 1))>
    """

    def __init__(self, point, pattern, affine, ties, value, units):
        self.point, self.pattern, self.affine = point, pattern, affine
        self.ties, self.value, self.units = ties, value, units
        self.on_boundary = bool(ties)

    def __repr__(self):
        b = ", on a boundary (ties: " + ", ".join(map(repr, self.ties)) + ")" if self.ties \
            else ""
        return f"<LocalAffine at {self.point}: pattern {self.pattern}{b}>"


def local_affine(net, x, direction=None):
    """The exact activation pattern and affine map of ``net`` at the exact point ``x``.

    Parameters
    ----------
    net : Network
    x : sequence of exact numbers
    direction : sequence, optional
        On a boundary, the map of the region entered from ``x`` in this
        direction (default: the first coordinate axis, then the next, ...).

    Returns
    -------
    LocalAffine

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> net = Network.dense([[[1], [-1]], [[1, 1]]], activations=["relu", "identity"])
    >>> la = symnet.local_affine(net, [-2])
    >>> la.pattern, la.affine, la.on_boundary
    ((0, 1), (Matrix([[-1]]), Matrix([[0]])), False)
    >>> la = symnet.local_affine(net, [0])
    >>> la.on_boundary, la.pattern, la.affine[0]
    (True, (1, 0), Matrix([[1]]))
    """
    en = compile_network(net)
    d = en.n_inputs
    xq = parse_point(x, d)
    dirs = []
    if direction is not None:
        dirs.append(parse_point(direction, d, "direction"))
    dirs += [tuple(fmpq(1) if j == i else fmpq(0) for j in range(d)) for i in range(d)]
    pieces, ties = en.lex_pattern(xq, dirs)
    M, c = en.affine_of_pattern(pieces)
    kinked = set(en.kinked)
    pat = tuple(pieces[p - d] for p in en.kinked)
    tie_nodes = tuple(en.unit(p).node for p in dict.fromkeys(ties) if p in kinked)
    value = tuple(_S(v) for v in en.evaluate(xq))
    affine = (sympy.Matrix([[_S(v) for v in r] for r in M]), sympy.Matrix([[_S(v)] for v in c]))
    return LocalAffine(tuple(_S(v) for v in xq), pat, affine, tie_nodes, value,
                       tuple(en.unit(p).node for p in en.kinked))


_ = (Cell, to_fmpq)

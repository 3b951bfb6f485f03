"""Region enumeration, layer by layer: the vertex engine and the LP engine.

**Vertex engine** (default up to 5 inputs).  A region is a :class:`Cone`
(the homogenised polyhedron) whose generators are integer vectors
``g = (t x, t)``.  The values of every live neuron at every generator are
cached on the generator as integers (:meth:`ExactNet.integer_stages`): the
network is continuous and positively homogeneous in ``(x, t)``, so these
values do not depend on the region.  A stage's pre-activations at all
generators are one integer matrix product (python-flint); a region is split
by a unit's kink hyperplane exactly when the kink test changes sign over its
generators, and the new generators (and their values) are integer
combinations of adjacent ones.  No LP, no rounding, no per-region matrices.

**LP engine** (more inputs, or ``method="lp"``).  A region is a list of
inequalities with an exact interior point and the exact affine maps of the
live neurons; a split is decided by :func:`~symnet.pwl.polyhedra.interior_point`
(float HiGHS proposes, exact arithmetic certifies).

Both return :class:`Cell` records; :mod:`symnet.pwl.regions` wraps them.
"""

from __future__ import annotations

import math

from flint import fmpq, fmpz_mat

from ..errors import ResourceError
from .polyhedra import Gen, _decide, _dot, _int_row

__all__ = ["Cell", "enumerate_vertex", "enumerate_lp", "BudgetExceeded"]


class BudgetExceeded(Exception):
    """Internal: carries the partial count to the caller that formats the error.

    Examples
    --------
    >>> from symnet.pwl.engine import BudgetExceeded
    >>> BudgetExceeded(120, 2, (2, 1), 400).estimate
    400
    """

    def __init__(self, count, stage, unit, estimate):
        super().__init__(count)
        self.count, self.stage, self.unit, self.estimate = count, stage, unit, estimate


class Cell:
    """One region as the engines leave it.

    Attributes
    ----------
    pattern : tuple of int (one piece per kinked unit)
    cone : Cone or None (vertex engine)
    rows : list of (homogeneous integer row, metadata) (LP engine)
    point : exact interior point (LP engine; the vertex engine derives it)
    affine : (M rows, c) exact, or None (computed on demand)

    Examples
    --------
    >>> from symnet.pwl.engine import Cell
    >>> Cell((1, 0)).pattern
    (1, 0)
    """

    __slots__ = ("pattern", "cone", "rows", "point", "affine", "maps")

    def __init__(self, pattern, cone=None, rows=None, point=None, affine=None, maps=None):
        self.pattern, self.cone, self.rows, self.point = pattern, cone, rows, point
        self.affine, self.maps = affine, maps


class _Table:
    """Generators by their primitive vector, with values interpolated on creation."""

    __slots__ = ("table",)

    def __init__(self):
        self.table = {}

    def make(self, ca, a, cb, b):
        raw = [ca * x + cb * y for x, y in zip(a.vec, b.vec)]
        g = math.gcd(*raw)
        vec = tuple(v // g for v in raw) if g > 1 else tuple(raw)
        hit = self.table.get(vec)
        if hit is not None:
            return hit
        if g > 1:
            vals = [(ca * x + cb * y) // g for x, y in zip(a.vals, b.vals)]
            z = None if a.z is None else [(ca * x + cb * y) // g for x, y in zip(a.z, b.z)]
        else:
            vals = [ca * x + cb * y for x, y in zip(a.vals, b.vals)]
            z = None if a.z is None else [ca * x + cb * y for x, y in zip(a.z, b.z)]
        out = Gen(vec, vals, z)
        self.table[vec] = out
        return out

    def neg(self, a):
        vec = tuple(-x for x in a.vec)
        hit = self.table.get(vec)
        if hit is not None:
            return hit
        out = Gen(vec, [-x for x in a.vals], None if a.z is None else [-x for x in a.z])
        self.table[vec] = out
        return out


def _estimate(count, done_units, total_units):
    if done_units <= 0:
        return count
    growth = count ** (1.0 / done_units)
    try:
        return int(count * growth ** (total_units - done_units))
    except OverflowError:  # pragma: no cover
        return float("inf")


def enumerate_vertex(en, cone, max_regions, check=None):
    """All regions of ``en`` inside ``cone`` (the vertex engine); a list of Cell.

    ``cone`` holds plain generators; their values are attached here.
    Raises :class:`BudgetExceeded` beyond ``max_regions``.

    Examples
    --------
    >>> from flint import fmpq
    >>> from symnet import Network
    >>> from symnet.pwl.exactnet import compile_network
    >>> from symnet.pwl.polyhedra import box_cone
    >>> from symnet.pwl.engine import enumerate_vertex
    >>> en = compile_network(Network.dense([[[1]], [[1]]], activations=["relu", "identity"]))
    >>> cells, out = enumerate_vertex(en, box_cone([(fmpq(-1), fmpq(1))]), 10)
    >>> sorted(c.pattern for c in cells)
    [(0,), (1,)]
    """
    d = en.n_inputs
    int_stages, _ = en.integer_stages()
    last = en.last_use()
    table = _Table()
    for g in list(cone.gens) + list(cone.lin):
        g.vals = list(g.vec[:d])
        g.z = None
        table.table[g.vec] = g
    layout = list(range(d))
    cells = [(cone, ())]
    total_kinked = len(en.kinked)
    done_kinked = 0
    for k, st in enumerate(en.stages):
        coefs, udata = int_stages[k]
        col = {p: i for i, p in enumerate(layout)}
        m = len(layout)
        n = len(st.units)
        flat = [0] * (n * (m + 1))
        for j, row in enumerate(coefs):
            base = j * (m + 1)
            for si, p in enumerate(st.sources):
                if row[si]:
                    flat[base + col[p]] = row[si]
            flat[base + m] = row[-1]
        gens, seen = [], set()
        for c, _ in cells:
            for g in c.gens:
                if id(g) not in seen:
                    seen.add(id(g))
                    gens.append(g)
            for g in c.lin:
                if id(g) not in seen:
                    seen.add(id(g))
                    gens.append(g)
        G = len(gens)
        vflat = [0] * ((m + 1) * G)
        for ci, g in enumerate(gens):
            for i, v in enumerate(g.vals):
                vflat[i * G + ci] = v
            vflat[m * G + ci] = g.vec[-1]
        Z = (fmpz_mat(n, m + 1, flat) * fmpz_mat(m + 1, G, vflat)).entries()
        Zi = [int(v) for v in Z]
        for ci, g in enumerate(gens):
            g.z = Zi[ci::G]
        table.table = {g.vec: g for g in gens}
        new_cells = []
        pending = len(cells)
        for cone_, pat in cells:
            pending -= 1
            work = [(cone_, pat)]
            for j, u in enumerate(st.units):
                kinks = udata[j][0]
                if not kinks:
                    continue
                nxt = []
                for c, p in work:
                    cur = c
                    placed = False
                    for kk, (num, den) in enumerate(kinks):
                        if num == 0:
                            s = [g.z[j] for g in cur.gens]
                        else:
                            s = [den * g.z[j] - num * g.vec[-1] for g in cur.gens]
                        if not cur.lin:
                            # the common cases without a split, decided here
                            if min(s) >= 0:
                                cur = cur
                                continue
                            if max(s) <= 0:
                                nxt.append((cur, p + (kk,)))
                                placed = True
                                break
                        ls = [den * g.z[j] for g in cur.lin]
                        negc, posc = cur.split(s, ls, ("unit", u.position, kk),
                                               make=table.make, neg=table.neg)
                        if negc is not None:
                            nxt.append((negc, p + (kk,)))
                        if posc is None:
                            placed = True
                            break
                        cur = posc
                    if not placed:
                        nxt.append((cur, p + (len(kinks),)))
                work = nxt
                total = len(new_cells) + len(work) + pending
                if total > max_regions:
                    raise BudgetExceeded(total, k + 1, u.node,
                                         _estimate(total, done_kinked + 1, total_kinked))
                if check is not None:
                    check()
            new_cells.extend(work)
        for u in st.units:
            if u.kinks:
                done_kinked += 1
        cells = new_cells
        # post-activation values for the next stage
        keep = [i for i, p in enumerate(layout) if last.get(p, -1) > k]
        live = [j for j, u in enumerate(st.units) if last.get(u.position, -1) > k]
        alive, seen = [], set()
        for c, _ in cells:
            for g in list(c.gens) + list(c.lin):
                if id(g) not in seen:
                    seen.add(id(g))
                    alive.append(g)
        for g in alive:
            t = g.vec[-1]
            vals = [g.vals[i] for i in keep]
            z = g.z
            for j in live:
                kinks, alphas, betas = udata[j]
                zj = z[j]
                p = 0
                for num, den in kinks:
                    if den * zj - num * t < 0:
                        break
                    p += 1
                vals.append(alphas[p] * zj + betas[p] * t)
            g.vals = vals
            g.z = None
        table.table = {g.vec: g for g in alive}
        layout = [layout[i] for i in keep] + [st.units[j].position for j in live]
    out_idx = [layout.index(p) for p in en.outputs]
    return [Cell(pat, cone=c) for c, pat in cells], out_idx


# ---------------------------------------------------------------------------
# the LP engine
# ---------------------------------------------------------------------------

def _as_system(rows, d):
    """``A x <= b`` (fmpq) from inward homogeneous rows ``a . x + c >= 0``."""
    A = [[fmpq(-a) for a in r[:d]] for r in rows]
    b = [fmpq(r[d]) for r in rows]
    return A, b


def _eval_row(row, x):
    acc = row[-1]
    for a, v in zip(row, x):
        if a:
            acc += a * v
    return acc


def enumerate_lp(en, rows, point, max_regions, check=None):
    """All regions of ``en`` in ``{x : rows}`` (the LP engine); a list of Cell.

    ``rows`` are inward homogeneous integer rows with metadata; ``point`` an
    exact interior point of the starting polyhedron.

    Examples
    --------
    >>> from flint import fmpq
    >>> from symnet import Network
    >>> from symnet.pwl.exactnet import compile_network
    >>> from symnet.pwl.engine import enumerate_lp
    >>> en = compile_network(Network.dense([[[1]], [[1]]], activations=["relu", "identity"]))
    >>> cells = enumerate_lp(en, [((1, 1), "lo"), ((-1, 1), "hi")], (fmpq(0),), 10)
    >>> sorted((c.pattern, c.affine) for c in cells)
    [((0,), ([[0]], [0])), ((1,), ([[1]], [0]))]
    """
    d = en.n_inputs
    zero = fmpq(0)
    ident = {i: [fmpq(1) if j == i else zero for j in range(d)] + [zero] for i in range(d)}
    cells = [Cell((), rows=list(rows), point=point, maps=ident)]
    last = en.last_use()
    total_kinked = len(en.kinked)
    done_kinked = 0
    for k, st in enumerate(en.stages):
        new_cells = []
        pending = len(cells)
        for cell in cells:
            pending -= 1
            maps = cell.maps
            src = [maps[p] for p in st.sources]
            Zs = []
            for row, b in zip(st.W, st.b):
                z = [zero] * d + [b]
                for w, v in zip(row, src):
                    if w:
                        z = [a + w * c for a, c in zip(z, v)]
                Zs.append(z)
            work = [(cell.rows, cell.point, cell.pattern)]
            for j, u in enumerate(st.units):
                if not u.kinks:
                    continue
                nxt = []
                for rws, pt, pat in work:
                    cur_rows, cur_pt = rws, pt
                    placed = False
                    for kk, kappa in enumerate(u.kinks):
                        h = list(Zs[j])
                        h[-1] -= kappa
                        if not any(h[:d]):
                            # constant on the region: no split
                            if h[-1] < 0:
                                nxt.append((cur_rows, cur_pt, pat + (kk,)))
                                placed = True
                                break
                            continue
                        hi = _int_row(h)
                        v = _eval_row(h, cur_pt)
                        meta = ("unit", u.position, kk)
                        neg_rows = cur_rows + [(tuple(-a for a in hi), meta)]
                        pos_rows = cur_rows + [(hi, meta)]
                        if v > 0:
                            pos_pt = cur_pt
                            neg_pt = _decide(*_as_system([r for r, _ in neg_rows], d))[0]
                        elif v < 0:
                            neg_pt = cur_pt
                            pos_pt = _decide(*_as_system([r for r, _ in pos_rows], d))[0]
                        else:
                            neg_pt = _decide(*_as_system([r for r, _ in neg_rows], d))[0]
                            pos_pt = _decide(*_as_system([r for r, _ in pos_rows], d))[0]
                        if neg_pt is not None and pos_pt is not None:
                            nxt.append((neg_rows, neg_pt, pat + (kk,)))
                            cur_rows, cur_pt = pos_rows, pos_pt
                        elif pos_pt is None:
                            nxt.append((cur_rows, cur_pt, pat + (kk,)))
                            placed = True
                            break
                    if not placed:
                        nxt.append((cur_rows, cur_pt, pat + (len(u.kinks),)))
                work = nxt
                total = len(new_cells) + len(work) + pending
                if total > max_regions:
                    raise BudgetExceeded(total, k + 1, u.node,
                                         _estimate(total, done_kinked + 1, total_kinked))
                if check is not None:
                    check()
            for rws, pt, pat in work:
                # the maps after this stage on this sub-region
                newmaps = {p: v for p, v in maps.items() if last.get(p, -1) > k}
                pieces = pat[len(cell.pattern):]
                pi = 0
                for j, u in enumerate(st.units):
                    if u.kinks:
                        piece = pieces[pi]
                        pi += 1
                    else:
                        piece = 0
                    if last.get(u.position, -1) > k:
                        s_, c_ = u.slopes[piece], u.intercepts[piece]
                        h = [s_ * a for a in Zs[j]]
                        h[-1] += c_
                        newmaps[u.position] = h
                new_cells.append(Cell(pat, rows=rws, point=pt, maps=newmaps))
        for u in st.units:
            if u.kinks:
                done_kinked += 1
        cells = new_cells
    for c in cells:
        out = [c.maps[p] for p in en.outputs]
        c.affine = ([r[:d] for r in out], [r[d] for r in out])
        c.maps = None
    return cells


def lp_facets(rows, d):
    """Indices of the irredundant rows of ``{a . x + c >= 0}`` (exact, one LP per row)."""
    keep = []
    A, b = _as_system([r for r, _ in rows], d)
    seen = set()
    for i, (r, _) in enumerate(rows):
        if r in seen:
            continue
        seen.add(r)
        # row i is redundant iff {others hold, row i violated} is empty
        others = [j for j in range(len(rows)) if j != i and rows[j][0] != r]
        A2 = [A[j] for j in others] + [[-a for a in A[i]]]
        b2 = [b[j] for j in others] + [-b[i]]
        if _decide(A2, b2)[0] is not None:
            keep.append(i)
    return keep


def check_resources(n_est, d, width):
    """Refuse up front when the region budget cannot fit in memory."""
    from .._validate import available_memory, refuse_if_over

    per_region = 300 + 120 * (d + 1) * (2 + min(d, 6)) + 8 * width
    refuse_if_over(n_est * per_region, available_memory() // 2,
                   "half of the memory this process may still use",
                   f"enumerating up to {n_est:,} regions",
                   "lower max_regions, shrink the box or use count_regions on a smaller net",
                   ResourceError)


_ = _dot  # re-exported for the regions module

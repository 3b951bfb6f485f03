"""symnet.constructions: every construction checked by symnet.piecewise of its output."""

import itertools
import math
import random

import pytest
import sympy

import symnet
from symnet.constructions import (interpolant_1d, lattice, max_affine, min_affine, sawtooth,
                                  shared_hidden_layer, triangulation)
from symnet.errors import ArgumentError, ShapeError

R = sympy.Rational


def hidden_units(net):
    return sum(len(s.nodes) for s in net.stages()[:-1])


def test_interpolant_1d_exact():
    rng = random.Random(0)
    for n in (1, 2, 5, 9):
        bps = sorted(rng.sample(range(-40, 40), n))
        bps = [R(b, 4) for b in bps]
        vals = [R(rng.randint(-9, 9), rng.randint(1, 3)) for _ in bps]
        ls, rs = R(rng.randint(-3, 3), 2), R(rng.randint(-3, 3), 5)
        net = interpolant_1d(bps, vals, ls, rs)
        assert hidden_units(net) <= n + 2
        pw = symnet.piecewise(net)
        for b, v in zip(bps, vals):
            assert pw([b]) == (v,)
        x = pw.inputs[0]
        pieces = pw.merged().regions
        assert pieces[0].expressions()[0].diff(x) == ls
        assert pieces[-1].expressions()[0].diff(x) == rs
        assert set(pw.breakpoints) <= set(bps)
        for i in range(n - 1):
            mid = (bps[i] + bps[i + 1]) / 2
            assert pw([mid]) == ((vals[i] + vals[i + 1]) / 2,)


def test_interpolant_multi_output_shares_the_layer():
    bps = [0, 1, 3]
    net = interpolant_1d(bps, [[0, 1, 0], [2, 2, 5]], left_slope=[1, 0], right_slope=[0, -1])
    assert net.n_outputs == 2 and hidden_units(net) <= 5
    pw = symnet.piecewise(net)
    assert pw([1]) == (1, 2) and pw([3]) == (0, 5) and pw([-1]) == (-1, 2) and pw([4]) == (0, 4)
    with pytest.raises(ArgumentError):
        interpolant_1d([1, 0], [0, 0])
    with pytest.raises(ShapeError):
        interpolant_1d([0, 1], [0])


def test_max_and_min_affine():
    rng = random.Random(1)
    for k in (1, 2, 3, 5, 8):
        A = [[R(rng.randint(-4, 4), rng.randint(1, 3)) for _ in range(2)] for _ in range(k)]
        b = [R(rng.randint(-4, 4), rng.randint(1, 3)) for _ in range(k)]
        net = max_affine(A, b)
        relu_layers = len(net.stages()) - 1
        assert relu_layers <= math.ceil(math.log2(k)) + 1
        pw = symnet.piecewise(net, box=[(-3, 3), (-3, 3)])
        for r in pw.regions:
            p = r.interior_point
            vals = [sum(a * v for a, v in zip(row, p)) + bi for row, bi in zip(A, b)]
            assert r.value(p) == (max(vals),)
            M, c = r.affine
            assert (list(M), c[0]) in [(row, bi) for row, bi in zip(A, b)]
        net = min_affine(A, b)
        pw = symnet.piecewise(net, box=[(-3, 3), (-3, 3)])
        for r in pw.regions:
            p = r.interior_point
            vals = [sum(a * v for a, v in zip(row, p)) + bi for row, bi in zip(A, b)]
            assert r.value(p) == (min(vals),)


def test_sawtooth_pieces():
    for k in range(1, 7):
        net = sawtooth(k)
        assert hidden_units(net) <= 4 * k
        pw = symnet.piecewise(net, box=[(0, 1)])
        assert len(pw) == 2 ** k and len(pw.merged()) == 2 ** k
        assert pw.breakpoints == [R(i, 2 ** k) for i in range(1, 2 ** k)]
        for i in range(2 ** k + 1):
            assert pw([R(i, 2 ** k)]) == (i % 2,)


def test_triangulation_interpolant():
    pts = [(0, 0), (2, 0), (0, 2), (2, 2), (1, 1)]
    tris = [(0, 1, 4), (1, 3, 4), (3, 2, 4), (2, 0, 4)]
    vals = [0, 1, 2, 0, 3]
    net = triangulation(pts, tris, vals)
    pw = symnet.piecewise(net, box=[(0, 2), (0, 2)])
    for p, v in zip(pts, vals):
        assert pw(p) == (v,)
    for t in tris:
        P = [pts[i] for i in t]
        c = tuple(sum(R(p[j]) for p in P) / 3 for j in range(2))
        want = sum(vals[i] for i in t) / R(3)
        assert pw(c) == (want,)
    assert len(pw.merged()) == 4
    # a non-convex domain (an L shape) is checked exactly triangle by triangle
    pts = [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1), (0, 2), (1, 2)]
    tris = [(0, 1, 4), (0, 4, 3), (1, 2, 5), (1, 5, 4), (3, 4, 7), (3, 7, 6)]
    vals = [0, 1, 0, 1, 2, 1, 0, 1]
    try:
        net = triangulation(pts, tris, vals)
    except symnet.errors.NotSupportedError:
        pass
    else:
        for p, v in zip(pts, vals):
            assert symnet.piecewise(net, box=[(0, 2), (0, 2)])(p) == (v,)
    with pytest.raises(ArgumentError):
        triangulation([(0, 0), (1, 1), (2, 2)], [(0, 1, 2)], [0, 0, 0])


def test_lattice_from_regions_and_selectors():
    # f = |x1| + |x2| style pyramid capped: pieces on the four quadrants
    A = [[1, 1], [-1, 1], [-1, -1], [1, -1]]
    b = [0, 0, 0, 0]
    quads = [[(0, 0), (1, 0), (0, 1)], [(0, 0), (-1, 0), (0, 1)],
             [(0, 0), (-1, 0), (0, -1)], [(0, 0), (1, 0), (0, -1)]]
    net = lattice(A, b, regions=quads)
    pw = symnet.piecewise(net, box=[(-1, 1), (-1, 1)])
    for p in itertools.product([R(-1, 2), R(1, 3)], repeat=2):
        assert pw(p) == (abs(p[0]) + abs(p[1]),)
    with pytest.raises(ArgumentError):
        lattice(A, b)


def test_shared_hidden_layer():
    f = interpolant_1d([0, 1, 2], [0, 1, 0])
    g = interpolant_1d([0, 1], [0, 2])
    h = shared_hidden_layer([f, g])
    assert h.n_outputs == 2
    assert hidden_units(h) < hidden_units(f) + hidden_units(g)
    pw = symnet.piecewise(h, box=[(-1, 3)])
    for x in [R(-1), R(1, 2), R(3, 2), R(5, 2)]:
        assert pw([x]) == symnet.piecewise(f)([x]) + symnet.piecewise(g)([x])


def test_triangulation_refuses_overlaps_and_hanging_vertices():
    from symnet.constructions import triangulation
    from symnet.errors import ArgumentError

    square = [(0, 0), (1, 0), (0, 1), (1, 1)]
    # two triangles covering the square's area twice over half of it: the areas add up to the
    # hull's, so only an overlap test tells (this used to return a wrong function silently)
    with pytest.raises(ArgumentError, match="overlap"):
        triangulation(square, [(0, 1, 2), (0, 1, 3)], [0, 0, 1, 5])
    pts = [(0, 0), (2, 0), (0, 2), (1, 0), (1, -1)]
    with pytest.raises(ArgumentError, match="inside the edge"):
        triangulation(pts, [(0, 1, 2), (0, 3, 4), (3, 1, 4)], [0, 0, 1, 5, 0])
    # touching along an edge or at a corner is fine
    net = triangulation(square, [(0, 1, 3), (0, 3, 2)], [0, 0, 0, 1])
    assert symnet.piecewise(net, box=[(0, 1), (0, 1)])((1, 1)) == (1,)


# a triangulation of [0, 3]^2 on which the region-wise selectors {j : g_j >= g_i on region i}
# overshoot: the lattice form gave -2 at (1/3, 2/3) where the interpolant is -3
GRID = [(i, j) for i in range(4) for j in range(4)]
GRID_TRIS = [(0, 5, 1), (1, 5, 6), (2, 6, 3), (4, 8, 9), (4, 9, 5), (6, 10, 11), (6, 11, 7),
             (12, 13, 9), (9, 13, 14), (10, 15, 11), (5, 0, 4), (6, 5, 9), (1, 6, 2), (3, 6, 7),
             (9, 8, 12), (10, 6, 9), (9, 14, 10), (15, 10, 14)]
GRID_VALS = [-5, -1, 0, 2, 2, -3, -4, 3, 0, -4, 3, 5, -3, -3, -3, -3]


def _interpolant_ok(net, pts, tris, vals, box):
    from fractions import Fraction as F

    pw = symnet.piecewise(net, box=box)
    for t in tris:
        P = [pts[i] for i in t]
        for w in [(1, 0, 0), (0, 1, 0), (0, 0, 1), (F(1, 3), F(1, 3), F(1, 3)),
                  (F(1, 2), F(1, 4), F(1, 4)), (F(1, 10), F(1, 5), F(7, 10))]:
            x = tuple(sum(wi * F(p[d]) for wi, p in zip(w, P)) for d in range(2))
            if pw(x)[0] != sum(wi * F(vals[i]) for wi, i in zip(w, t)):
                return False
    return True


def test_triangulation_is_the_interpolant_where_regionwise_selectors_overshoot():
    from symnet.constructions import triangulation

    net = triangulation(GRID, GRID_TRIS, GRID_VALS)
    assert symnet.piecewise(net, box=[(0, 3), (0, 3)])((R(1, 3), R(2, 3))) == (-3,)
    assert _interpolant_ok(net, GRID, GRID_TRIS, GRID_VALS, [(0, 3), (0, 3)])


@pytest.mark.parametrize("seed", range(6))
def test_triangulation_of_non_convex_domains_fills_the_hull(seed):
    """Random subsets of a triangulated grid (L-shapes, holes, separate pieces): exact."""
    from symnet.constructions import triangulation

    rng = random.Random(seed)
    keep = [t for t in GRID_TRIS if rng.random() < 0.6] or GRID_TRIS[:1]
    vals = [rng.randint(-5, 5) for _ in GRID]
    net = triangulation(GRID, keep, vals)
    assert _interpolant_ok(net, GRID, keep, vals, [(0, 3), (0, 3)])
    # an annulus: a square with a square hole
    pts = [(0, 0), (3, 0), (3, 3), (0, 3), (1, 1), (2, 1), (2, 2), (1, 2)]
    ring = [(0, 1, 5), (0, 5, 4), (1, 2, 6), (1, 6, 5), (2, 3, 7), (2, 7, 6), (3, 0, 4), (3, 4, 7)]
    vals = [rng.randint(-5, 5) for _ in pts]
    assert _interpolant_ok(triangulation(pts, ring, vals), pts, ring, vals, [(0, 3), (0, 3)])

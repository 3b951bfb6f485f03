"""symnet.pwl.polyhedra: exact cones, vertices, LP, interior points, Farkas certificates."""

import itertools
import random
from fractions import Fraction as F

import numpy as np
import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from symnet.pwl.polyhedra import (Cone, box_cone, clip_polygon, exact_lp, farkas_certificate,
                                  interior_point, is_farkas_certificate, polygon_area,
                                  polyhedron_cone, vertices)


def q(v):
    return fmpq(v.numerator, v.denominator) if isinstance(v, F) else fmpq(v)


def test_vertices_of_a_cube_and_a_simplex():
    cube = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]]
    V = vertices(cube, [1] * 6)
    assert sorted(V) == sorted(itertools.product([-1, 1], repeat=3))
    simplex = [[-1, 0, 0], [0, -1, 0], [0, 0, -1], [1, 1, 1]]
    assert sorted(vertices(simplex, [0, 0, 0, 1])) == sorted(
        [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1)])
    with pytest.raises(ValueError):
        vertices([[1, 0]], [1])                      # unbounded


def test_unbounded_cone_has_rays_and_lineality():
    c = polyhedron_cone([[fmpq(1), fmpq(0)]], [fmpq(2)])     # x <= 2: a half-plane
    assert len(c.lin) == 1 and c.rank() == 3
    vecs = sorted(g.vec for g in c.gens)
    assert (2, 0, 1) in [tuple(v) for v in vecs] or any(v[-1] > 0 for v in vecs)


def test_split_keeps_volume_and_facets():
    c = box_cone([(fmpq(0), fmpq(1)), (fmpq(0), fmpq(1))])
    row = (1, 1, -1)                      # x + y - 1 >= 0
    s = [sum(a * v for a, v in zip(row, g.vec)) for g in c.gens]
    neg, pos = c.split(s, [], ("cut",))
    for part in (neg, pos):
        pts = [(fmpq(g.vec[0], g.vec[2]), fmpq(g.vec[1], g.vec[2])) for g in part.gens]
        assert len(pts) == 3
        assert len(part.facets()) == 3
    area = lambda part: polygon_area(sorted(  # noqa: E731
        [(fmpq(g.vec[0], g.vec[2]), fmpq(g.vec[1], g.vec[2])) for g in part.gens],
        key=lambda p: (p[0] * 7 + p[1] * 3)))
    assert area(neg) == area(pos) == fmpq(1, 2)
    # a hyperplane missing the interior does not split
    s = [sum(a * v for a, v in zip((1, 1, 1), g.vec)) for g in c.gens]
    assert c.split(s, [], ("miss",)) == (None, c)


def test_interior_point_and_farkas():
    A, b = [[1, 1], [-1, 0], [0, -1]], [1, 0, 0]
    x = interior_point(A, b)
    assert all(sum(a * v for a, v in zip(r, x)) < bi for r, bi in zip(A, b))
    # a lower-dimensional set: x <= 0 and x >= 0 has no interior
    A, b = [[1, 0], [-1, 0], [0, 1]], [0, 0, 5]
    assert interior_point(A, b) is None
    y = farkas_certificate(A, b)
    assert is_farkas_certificate(A, b, y)
    assert not is_farkas_certificate(A, b, [1, 0, 0])


@settings(max_examples=30)
@given(seed=st.integers(0, 10**6), m=st.integers(2, 7), d=st.integers(1, 3))
def test_property_decide_matches_exact_lp(seed, m, d):
    rng = random.Random(seed)
    A = [[F(rng.randint(-3, 3), rng.randint(1, 2)) for _ in range(d)] for _ in range(m)]
    b = [F(rng.randint(-2, 3), rng.randint(1, 2)) for _ in range(m)]
    x = interior_point(A, b)
    if x is not None:
        assert all(sum(q(a) * v for a, v in zip(r, x)) < q(bi) for r, bi in zip(A, b))
    else:
        assert is_farkas_certificate(A, b, farkas_certificate(A, b))


def test_exact_lp_against_scipy():
    from scipy.optimize import linprog
    rng = random.Random(0)
    for _ in range(20):
        n, m = rng.randint(1, 4), rng.randint(1, 5)
        A = [[rng.randint(-3, 5) for _ in range(n)] for _ in range(m)]
        b = [rng.randint(-2, 8) for _ in range(m)]
        c = [rng.randint(-3, 3) for _ in range(n)]
        status, y, val, duals = exact_lp(c, A, b)
        ref = linprog([-v for v in c], A_ub=A, b_ub=b, bounds=[(0, None)] * n, method="highs")
        want = {0: "optimal", 2: "infeasible", 3: "unbounded"}[ref.status]
        assert status == want
        if status == "optimal":
            assert abs(float(val) + ref.fun) < 1e-9
            assert all(sum(a * v for a, v in zip(r, y)) <= bi for r, bi in zip(A, b))
            # strong duality with the returned multipliers
            assert sum(dv * bi for dv, bi in zip(duals, b)) == val


def test_polygon_clipping():
    sq = [(0, 0), (2, 0), (2, 2), (0, 2)]
    assert clip_polygon(sq, (-1, 0), 1) == [(0, 0), (1, 0), (1, 2), (0, 2)]
    assert polygon_area(clip_polygon(sq, (1, 1), -2)) == 2
    assert clip_polygon(sq, (1, 0), -5) == []
    assert isinstance(Cone, type)


def test_chebyshev_float_filter_rounds_to_an_exact_point():
    A = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    x = interior_point(A.tolist(), [F(1, 3), F(1, 3), F(1, 7), F(1, 7)])
    assert abs(x[0]) < fmpq(1, 3) and abs(x[1]) < fmpq(1, 7)

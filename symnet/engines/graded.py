"""The graded algebra, written once for every engine.

A polynomial truncated at total degree ``Q`` is stored as its homogeneous
components; a neuron's pre-activation splits as ``z = c0 + v`` (``v`` without
constant term), and its activation becomes ``h = sum_k D_k v**k`` where the
``D_k`` come from the neuron's rule (``rule.taylor(ctx, c0, K)``).  Since
``v**k`` starts at degree ``k * lo``, only ``Q // lo`` powers exist.

Two schemes compute the sum; a cost model (pairs of terms multiplied) picks
the cheaper one per neuron batch:

* the power chain ``v, v**2, ...`` (each power from the cheapest split
  ``a + b = k``), then ``sum_k D_k v**k``;
* the truncated Horner scheme ``R_j = D_j + v R_{j+1}``, where ``R_j`` is
  needed only up to degree ``Q - j lo`` (it meets ``v`` j more times).

An *algebra* object supplies storage and products (``engines.dense``:
numpy arrays of many neurons at once; ``engines.exact``: python-flint
components of one neuron):

* ``Q``; ``degrees(V)`` -> ``(lo, hi)`` of the non-constant part (``lo`` None
  when it is zero); ``size(X, d)`` -> terms in component ``d``;
  ``est(V, d)`` -> assumed terms of an unknown component of degree ``d``;
* ``mul(X, Y, order, same)`` -> truncated product (``same``: ``X is Y``);
* ``constant(D)``, ``add_const(R, D)``, ``axpy(H, P, D)``, ``nonzero(D)``.

Examples
--------
>>> import flint
>>> from symnet.engines.exact import ExactAlgebra
>>> from symnet.engines.graded import activate
>>> ctx = flint.fmpq_mpoly_ctx.get(("x",), "deglex"); x = ctx.gens()[0]
>>> A = ExactAlgebra(4)
>>> D = [flint.fmpq(0), flint.fmpq(1), flint.fmpq(0), flint.fmpq(-1, 3), flint.fmpq(0)]
>>> h = activate(A, [None, x, None, None, None], D, 4)
>>> [str(c) for c in h if c is not None]   # tanh(x) to degree 4
['x', '-1/3*x^3']
"""

from __future__ import annotations

__all__ = ["activate", "powers", "horner", "powers_cost", "horner_cost"]


def _pair(na, nb, diag):
    return na * (na - 1) // 2 + na if diag else na * nb


def _pairs(sa, alo, ahi, sb, blo, bhi, same, order):
    """Pairs multiplied between components sa[alo..ahi] and sb[blo..bhi] up to ``order``.

    ``sa(d)``/``sb(d)`` give the components' sizes; prefix sums keep this
    linear in the number of degrees.
    """
    if alo is None or blo is None or alo + blo > order:
        return 0
    top = min(bhi, order - alo)
    pre = [0]
    for d in range(blo, top + 1):
        pre.append(pre[-1] + sb(d))
    cost = 0
    for d1 in range(alo, ahi + 1):
        hi2 = min(top, order - d1)
        if hi2 < blo:
            break
        n1 = sa(d1)
        if not n1:
            continue
        if same:
            if hi2 < d1:
                continue
            lo2 = max(blo, d1 + 1)
            cost += n1 * (pre[hi2 - blo + 1] - pre[min(lo2, hi2 + 1) - blo]) if lo2 <= hi2 \
                else 0
            cost += _pair(n1, n1, True) if blo <= d1 <= hi2 else 0
        else:
            cost += n1 * pre[hi2 - blo + 1]
    return cost


def _splits(k):
    """The splits ``a + (k - a)`` worth pricing: all for small ``k``, else 1 and the balanced."""
    if k <= 8:
        return range(1, k // 2 + 1)
    return sorted({1, k // 2})


def _product_cost(A, X, Y, same, order):
    """Pairs multiplied by ``mul(X, Y, order, same)`` (actual component sizes)."""
    xlo, xhi = A.degrees(X)
    ylo, yhi = A.degrees(Y)
    return _pairs(lambda d: A.size(X, d), xlo, xhi, lambda d: A.size(Y, d), ylo, yhi, same,
                  order)


def powers(A, V, K):
    """``[None, V, V**2, ..., V**K]`` truncated at ``A.Q`` (None where zero).

    Examples
    --------
    >>> import flint
    >>> from symnet.engines.exact import ExactAlgebra
    >>> from symnet.engines.graded import powers
    >>> x, y = flint.fmpq_mpoly_ctx.get(("x", "y"), "deglex").gens()
    >>> P = powers(ExactAlgebra(3), [None, x + y, None, None], 3)
    >>> P[2], P[3][3]
    ([None, None, x^2 + 2*x*y + y^2, None], x^3 + 3*x^2*y + 3*x*y^2 + y^3)
    """
    Q = A.Q
    lo = A.degrees(V)[0]
    P = [None, V]
    for k in range(2, K + 1):
        if lo is None or k * lo > Q:
            P.append(None)
            continue
        best = None
        for a in _splits(k):
            X, Y = P[a], P[k - a]
            if X is None or Y is None:
                continue
            c = _product_cost(A, X, Y, a == k - a, Q)
            if best is None or c < best[0]:
                best = (c, a)
        if best is None:
            P.append(None)
            continue
        a = best[1]
        P.append(A.mul(P[a], P[k - a], Q, same=(2 * a == k)))
    return P


def powers_cost(A, V, K):
    """Estimated pairs of the power chain up to ``V**K``.

    Examples
    --------
    ``V = x + y`` (two terms): ``V**2`` takes 3 pairs, ``V**3`` and ``V**4``
    are priced with one assumed term per unknown component (2 and 1 pairs).

    >>> import flint
    >>> from symnet.engines.exact import ExactAlgebra
    >>> from symnet.engines.graded import powers_cost
    >>> x, y = flint.fmpq_mpoly_ctx.get(("x", "y"), "deglex").gens()
    >>> powers_cost(ExactAlgebra(4), [None, x + y, None, None, None], 4)
    6
    """
    Q = A.Q
    lo, hi = A.degrees(V)
    ranges = {1: (lo, hi)}
    cost = 0
    for k in range(2, K + 1):
        if k * lo > Q:
            break
        best = None
        for a in _splits(k):
            b = k - a
            (alo, ahi), (blo, bhi) = ranges[a], ranges[b]
            sa = (lambda d: A.size(V, d)) if a == 1 else (lambda d: A.est(V, d))
            sb = (lambda d: A.size(V, d)) if b == 1 else (lambda d: A.est(V, d))
            c = _pairs(sa, alo, ahi, sb, blo, bhi, a == b, Q)
            best = c if best is None else min(best, c)
        ranges[k] = (k * lo, min(Q, k * hi))
        cost += best
    return cost


def horner_cost(A, V, K):
    """Estimated pairs of the truncated Horner scheme for degree ``K``.

    Examples
    --------
    >>> import flint
    >>> from symnet.engines.exact import ExactAlgebra
    >>> from symnet.engines.graded import horner_cost, powers_cost
    >>> x, y = flint.fmpq_mpoly_ctx.get(("x", "y"), "deglex").gens()
    >>> A, V = ExactAlgebra(4), [None, x + y, None, None, None]
    >>> horner_cost(A, V, 4), powers_cost(A, V, 4)      # the power chain is cheaper here
    (18, 6)
    """
    Q = A.Q
    lo, hi = A.degrees(V)
    cost = 0
    for j in range(K - 1, -1, -1):
        T = Q - j * lo
        cost += _pairs(lambda d: A.est(V, d), lo, T - lo, lambda d: A.size(V, d), lo, hi,
                       False, T)
    return cost


def horner(A, V, D, K):
    """``sum_k D_k V**k`` by ``R_j = D_j + V R_{j+1}``, ``R_j`` truncated at ``Q - j lo``.

    Examples
    --------
    >>> import flint
    >>> from symnet.engines.exact import ExactAlgebra
    >>> from symnet.engines.graded import horner
    >>> x, y = flint.fmpq_mpoly_ctx.get(("x", "y"), "deglex").gens()
    >>> D = [flint.fmpq(1), flint.fmpq(1, 2), flint.fmpq(1, 2)]
    >>> horner(ExactAlgebra(4), [None, x + y, None, None, None], D, 2)   # 1 + V/2 + V**2/2
    [1, 1/2*x + 1/2*y, 1/2*x^2 + x*y + 1/2*y^2, None, None]
    """
    Q = A.Q
    lo = A.degrees(V)[0]
    R = A.constant(D[K])
    for j in range(K - 1, -1, -1):
        R = A.mul(R, V, Q - j * lo)
        R = A.add_const(R, D[j])
    return R


def activate(A, V, D, K):
    """``sum_{k <= K} D_k V**k`` for ``V`` without constant term, by the cheaper scheme.

    ``D`` lists the coefficients ``D_0 .. D_K`` (per neuron: scalars; for a
    batch: one entry per column).

    Examples
    --------
    >>> import flint
    >>> from symnet.engines.exact import ExactAlgebra
    >>> from symnet.engines.graded import activate
    >>> x, y = flint.fmpq_mpoly_ctx.get(("x", "y"), "deglex").gens()
    >>> D = [flint.fmpq(1), flint.fmpq(1), flint.fmpq(1, 2), flint.fmpq(1, 6)]  # exp
    >>> activate(ExactAlgebra(3), [None, x, None, None], D, 3)
    [1, x, 1/2*x^2, 1/6*x^3]
    >>> activate(ExactAlgebra(3), [None, None, x * y, None], D, 3)  # V**2 is above degree 3
    [1, None, x*y, None]
    """
    lo = A.degrees(V)[0]
    if lo is None:
        return A.constant(D[0])
    Kmax = min(K, len(D) - 1, A.Q // lo)
    while Kmax >= 1 and not A.nonzero(D[Kmax]):
        Kmax -= 1
    if Kmax == 0:
        return A.constant(D[0])
    if Kmax >= 2 and horner_cost(A, V, Kmax) < powers_cost(A, V, Kmax):
        return horner(A, V, D, Kmax)
    P = powers(A, V, Kmax)
    H = A.constant(D[0])
    for k in range(1, Kmax + 1):
        if P[k] is not None and A.nonzero(D[k]):
            H = A.axpy(H, P[k], D[k])
    return H

"""Bounds on the number of linear regions, from the architecture alone.

* **Zaslavsky** (one layer of ``n`` hyperplanes in ``d`` dimensions): at most
  ``sum_{i=0..d} C(n, i)`` regions.
* **Serra, Tjandraatmadja and Ramalingam** (ICML 2018, Theorem 1), dense ReLU
  networks with widths ``n_1 .. n_L`` on ``R^{n_0}``: at most
  ``sum over J of prod_l C(n_l, j_l)``, ``J = {0 <= j_l <= min(n_0, n_1 - j_1,
  ..., n_{l-1} - j_{l-1}, n_l)}`` (exact for one input).
* **Layer-wise product** (any piecewise-linear activations, skip connections):
  each stage's ``k_l`` kink hyperplanes cut each region in at most
  ``sum_{i<=d} C(k_l, i)`` pieces.
* **Montufar, Pascanu, Cho and Bengio** (2014): some ReLU network of this shape
  (widths ``n_l >= n_0``) has at least
  ``prod_{l<L} floor(n_l / n_0)^{n_0} * sum_{j<=n_0} C(n_L, j)`` regions (a
  lower bound on the maximum, not on this network's count).

Examples
--------
>>> from symnet.pwl.region_bounds import zaslavsky_bound
>>> zaslavsky_bound(3, 2)
7
"""

from __future__ import annotations

from math import comb

__all__ = ["zaslavsky_bound", "serra_bound", "montufar_lower_bound", "layerwise_bound",
           "upper_bound", "network_shape"]


def zaslavsky_bound(n, d):
    """At most ``sum_{i=0..d} C(n, i)`` regions for ``n`` hyperplanes in ``R^d``.

    Examples
    --------
    >>> from symnet.pwl.counting import zaslavsky_bound
    >>> zaslavsky_bound(3, 2)
    7
    """
    return sum(comb(n, i) for i in range(d + 1))


def serra_bound(d, widths):
    """Serra et al. (2018) upper bound for a dense ReLU network (input ``d``, hidden ``widths``).

    Examples
    --------
    >>> from symnet.pwl.counting import serra_bound
    >>> serra_bound(1, [4, 4]), serra_bound(2, [3])
    (25, 7)
    """
    # dynamic programme over layers; state = the running minimum cap
    states = {d: 1}
    for n in widths:
        nxt = {}
        for cap, acc in states.items():
            for j in range(0, min(cap, n) + 1):
                c = min(cap, n - j)
                nxt[c] = nxt.get(c, 0) + acc * comb(n, j)
        states = nxt
    return sum(states.values())


def layerwise_bound(d, hyperplanes):
    """``prod_l sum_{i<=d} C(k_l, i)`` for ``k_l`` kink hyperplanes per stage.

    Examples
    --------
    >>> from symnet.pwl.counting import layerwise_bound
    >>> layerwise_bound(1, [4, 4])
    25
    """
    out = 1
    for k in hyperplanes:
        out *= zaslavsky_bound(k, d)
    return out


def montufar_lower_bound(d, widths):
    """Montufar et al. (2014): a ReLU network of this shape can have at least this many regions.

    None unless every width is at least ``d``.

    Examples
    --------
    >>> from symnet.pwl.counting import montufar_lower_bound
    >>> montufar_lower_bound(1, [4, 4])
    20
    """
    if not widths or any(n < d for n in widths):
        return None
    out = 1
    for n in widths[:-1]:
        out *= (n // d) ** d
    return out * zaslavsky_bound(widths[-1], d)


def network_shape(en):
    """(kinked units per stage, relu-dense widths or None) of an ExactNet.

    Examples
    --------
    >>> from symnet.constructions import sawtooth
    >>> from symnet.pwl.exactnet import compile_network
    >>> from symnet.pwl.region_bounds import network_shape
    >>> network_shape(compile_network(sawtooth(2)))
    ([2, 2, 0], [2, 2])
    """
    ks, widths = [], []
    dense = True
    prev = tuple(range(en.n_inputs))
    for st in en.stages:
        ks.append(sum(len(u.kinks) for u in st.units))
        kinked = [u for u in st.units if u.kinks]
        if kinked:
            if len(kinked) != len(st.units) or any(
                    u.kinks != (0,) or u.slopes[0] != 0 or u.intercepts != (0, 0)
                    for u in kinked):
                dense = False
            if st.sources != prev:
                dense = False
            widths.append(len(st.units))
        elif st is not en.stages[-1]:
            dense = False
        prev = tuple(u.position for u in st.units)
    return ks, (widths if dense else None)


def upper_bound(en):
    """The best known upper bound on the number of regions of an ExactNet.

    Examples
    --------
    >>> from symnet.constructions import sawtooth
    >>> from symnet.pwl.exactnet import compile_network
    >>> from symnet.pwl.region_bounds import upper_bound
    >>> upper_bound(compile_network(sawtooth(2)))
    9
    """
    ks, widths = network_shape(en)
    best = layerwise_bound(en.n_inputs, ks)
    if widths is not None:
        best = min(best, serra_bound(en.n_inputs, widths))
    return best

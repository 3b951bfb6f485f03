"""Counting linear regions: the exact count beside the known bounds.

The bounds (Zaslavsky, Serra-Tjandraatmadja-Ramalingam, the layer-wise
product, Montufar-Pascanu-Cho-Bengio) live in :mod:`symnet.pwl.region_bounds`,
which states them; they are re-exported here.

Examples
--------
>>> import symnet
>>> from symnet import Network
>>> net = Network.dense([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], biases=[[0, 0, -1], [0]],
...                     activations=["relu", "identity"])
>>> c = symnet.count_regions(net)
>>> c.exact, c.upper_bound, c.bounds["zaslavsky"]
(7, 7, 7)
"""

from __future__ import annotations

from .._validate import as_int
from ..errors import ResourceError
from .exactnet import compile_network
from .region_bounds import (layerwise_bound, montufar_lower_bound, network_shape,
                            serra_bound, upper_bound, zaslavsky_bound)
from .regions import DEFAULT_MAX_REGIONS, PiecewiseLinear, _run, parse_box

__all__ = ["count_regions", "RegionCount", "zaslavsky_bound", "serra_bound",
           "montufar_lower_bound", "layerwise_bound", "upper_bound"]


class RegionCount:
    """The exact number of regions with the known bounds beside it.

    Attributes
    ----------
    exact : int or None
        The exact count (None when the enumeration stopped at ``max_regions``).
    pieces : int or None
        Linear pieces (adjacent regions with one affine map merged), when asked.
    estimate : int or None
        When the enumeration stopped: the extrapolated total.
    upper_bound : int
        The smallest applicable upper bound.
    bounds : dict
        ``"zaslavsky"`` (one kinked layer), ``"serra"`` (dense ReLU),
        ``"layerwise"`` (always), ``"montufar_lower"`` (dense ReLU of widths
        >= inputs; a lower bound on the maximum over such networks).

    Examples
    --------
    >>> import symnet
    >>> from symnet.constructions import sawtooth
    >>> symnet.count_regions(sawtooth(2), box=[(0, 1)], pieces=True).pieces
    4
    """

    def __init__(self, exact, pieces, estimate, bounds, box):
        self.exact, self.pieces, self.estimate, self.bounds = exact, pieces, estimate, bounds
        self.box = box
        ups = [v for k, v in bounds.items() if k != "montufar_lower" and v is not None]
        self.upper_bound = min(ups) if ups else None

    def __int__(self):
        if self.exact is None:
            raise ResourceError(f"the count stopped at the budget (estimate {self.estimate})")
        return self.exact

    def __repr__(self):
        ex = self.exact if self.exact is not None else f"> budget (~{self.estimate:,})"
        bs = ", ".join(f"{k} {v:,}" for k, v in self.bounds.items() if v is not None)
        return f"<RegionCount: {ex} regions on {self.box}; bounds: {bs}>"


def count_regions(net, box=None, *, max_regions=None, pieces=False, method="auto",
                  timeout=600.0):
    """The exact number of linear regions on a box, with the known bounds.

    Parameters
    ----------
    net : Network
    box : None, [(lo, hi), ...] or (A, b)
    max_regions : int, optional
        Budget (default :data:`~symnet.pwl.regions.DEFAULT_MAX_REGIONS`); beyond
        it ``exact`` is None and ``estimate`` extrapolates.
    pieces : bool
        Also count the linear pieces (adjacent regions with one map merged).
    timeout : float or None
        Seconds before the enumeration stops with a ResourceError (None: no limit).

    Returns
    -------
    RegionCount

    Examples
    --------
    >>> import symnet
    >>> from symnet.constructions import sawtooth
    >>> c = symnet.count_regions(sawtooth(3), box=[(0, 1)])
    >>> c.exact, c.bounds["serra"]
    (8, 27)
    """
    en = compile_network(net)
    if max_regions is None:
        max_regions = DEFAULT_MAX_REGIONS
    max_regions = as_int(max_regions, "max_regions", minimum=1)
    b = parse_box(box, en.n_inputs)
    ks, widths = network_shape(en)
    d = en.n_inputs
    bounds = {}
    kinked_stages = [k for k in ks if k]
    if len(kinked_stages) == 1:
        bounds["zaslavsky"] = zaslavsky_bound(kinked_stages[0], d)
    if widths is not None:
        bounds["serra"] = serra_bound(d, widths)
    bounds["layerwise"] = layerwise_bound(d, ks)
    if widths is not None:
        bounds["montufar_lower"] = montufar_lower_bound(d, widths)
    try:
        cells, out_idx, scales, method = _run(en, b, max_regions, method, timeout=timeout)
    except ResourceError as e:
        if getattr(e, "estimate", None) is None:
            raise
        return RegionCount(None, None, e.estimate, bounds, repr(b))
    n_pieces = None
    if pieces:
        pw = PiecewiseLinear(en, cells, b, out_idx, scales, net=net, method=method)
        n_pieces = len(pw.merged())
    return RegionCount(len(cells), n_pieces, None, bounds, repr(b))

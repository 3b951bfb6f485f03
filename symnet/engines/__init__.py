"""Engines: the registry, the plan they run, and the drivers.

An engine turns a :class:`Plan` (network, order, one rule per neuron, the
centres, the coefficient domain) into coefficients; it reads only public
interfaces of :class:`~symnet.Network` (stages, ``forward``) and of the rule
kinds (``rule.taylor(ctx, c, K)``).  Engines are registered by name with the
domains they serve; :func:`symnet.expand` picks one by domain, or by
``engine=``.

==========  ==============  ===================================================
engine      domains         what it is
==========  ==============  ===================================================
``exact``   ``QQ``          python-flint polynomials, constants as generators
``dense``   ``RR``, ``mpf``  numpy monomial-major arrays (float64 or mpmath)
``dask``    ``RR``          the dense float algorithm on a Dask cluster
==========  ==============  ===================================================

A new engine is one module with a class having ``name``, ``domains``,
``estimate(plan)`` (a dict with ``"bytes"``) and ``run(plan)`` (a list: one
tuple of :class:`~symnet.Polynomial` per centre, one per output; build them
with ``Polynomial.from_vector`` or ``Polynomial.from_function``), registered
with :func:`register_engine` (see ``docs/extending.md``).  An engine that runs
elsewhere may add ``check(plan, memory_limit)`` (then :func:`symnet.expand`
calls it instead of the local memory check) and return its own result object
from ``run`` (anything but a list).

Examples
--------
>>> from symnet.engines import engine_names, get_engine
>>> {"dask", "dense", "exact"} <= set(engine_names())
True
>>> get_engine(domain="RR").name
'dense'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ArgumentError

__all__ = ["Plan", "register_engine", "get_engine", "engine_names"]


@dataclass(frozen=True)
class Plan:
    """What to expand: the network, the order and one rule per neuron.

    Attributes
    ----------
    net : Network
    order : int
    rules : tuple
        Per stage, one rule per neuron (``None`` for the identity).
    centers : tuple or None
        Taylor mode: the points (one tuple of coordinates each); ``None`` in
        series mode (the origin, rules already replaced by their series).
    domain : str
        ``"QQ"``, ``"RR"`` or ``"mpf"``.
    prec : int or None
        Bits for ``"mpf"``.
    meta : dict

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.engines import Plan, get_engine
    >>> net = Network.dense([[[1]]], activations=["tanh"])
    >>> plan = Plan(net, 3, ((net.stages()[0].activations[0].rule,),), None, "QQ")
    >>> (p,), = get_engine(domain=plan.domain).run(plan)
    >>> print(p)
    x1 - x1**3/3 + O(|x1|**4)
    """

    net: object
    order: int
    rules: tuple
    centers: tuple | None
    domain: str
    prec: int | None = None
    float_output: bool = False
    meta: dict = field(default_factory=dict)


_ENGINES = {}
_LAZY = {"exact": ("symnet.engines.exact", "ExactEngine"),
         "dense": ("symnet.engines.dense", "DenseEngine"),
         "dask": ("symnet.engines.dask_engine", "DaskEngine")}


def register_engine(engine, *, overwrite=False):
    """Register an engine object (``name``, ``domains``, ``estimate``, ``run``).

    Examples
    --------
    >>> from symnet.engines import register_engine, get_engine
    >>> from symnet.engines.dense import DenseEngine
    >>> register_engine(DenseEngine(), overwrite=True) is get_engine("dense")
    True
    """
    for attr in ("name", "domains", "estimate", "run"):
        if not hasattr(engine, attr):
            raise ArgumentError(f"an engine needs a {attr!r} attribute; got {engine!r}")
    if engine.name in _ENGINES and not overwrite:
        raise ArgumentError(f"engine {engine.name!r} is already registered")
    _ENGINES[engine.name] = engine
    _LAZY.pop(engine.name, None)
    return engine


def _load(name):
    import importlib

    mod, cls = _LAZY.pop(name)
    register_engine(getattr(importlib.import_module(mod), cls)())


def engine_names():
    """Names of the known engines (registered or loaded on first use), sorted.

    Examples
    --------
    >>> from symnet.engines import engine_names
    >>> [n for n in engine_names() if n in ("dask", "dense", "exact")]
    ['dask', 'dense', 'exact']
    """
    return sorted(set(_ENGINES) | set(_LAZY))


def get_engine(name=None, *, domain=None):
    """An engine by name (or an engine object), or the default engine of a domain.

    Examples
    --------
    >>> from symnet.engines import get_engine
    >>> get_engine("exact").domains
    ('QQ',)
    """
    if name is None:
        for cand in ("exact", "dense"):
            eng = get_engine(cand)
            if domain in eng.domains:
                return eng
        raise ArgumentError(f"no engine serves the domain {domain!r}")
    if not isinstance(name, str):
        if not all(hasattr(name, a) for a in ("name", "domains", "estimate", "run")):
            raise ArgumentError(f"engine must be a name such as 'dense' or an engine object, "
                                f"got {name!r}")
        eng = name
    else:
        if name in _LAZY:
            _load(name)
        if name not in _ENGINES:
            raise ArgumentError(f"unknown engine {name!r}; known: {', '.join(engine_names())}")
        eng = _ENGINES[name]
    if domain is not None and domain not in eng.domains:
        raise ArgumentError(f"engine {eng.name!r} computes in {', '.join(eng.domains)}, not "
                            f"{domain!r} (pass domain={eng.domains[0]!r} to use it)")
    return eng

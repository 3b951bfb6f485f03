"""Hypothesis strategies for networks, trees, ridge sums and polynomials.

Property-based tests of identities about networks ("every network of this
shape satisfies ...") need random exact networks, and a counterexample is
only useful once it is small.  Every strategy here shrinks toward fewer
layers, narrower layers, smaller weights (toward 0) and simpler activations
(``identity``, then ``square``, ``tanh``, ``sigmoid``, ...), so a failing
identity is reported on the smallest network that breaks it.

This module needs hypothesis (a test dependency), so it is not imported by
``import symnet``; use ``from symnet import strategies as sst`` (its public
name).  Once
symnet is installed, hypothesis registers its types through the
``hypothesis`` entry point, so ``st.from_type(symnet.Network)`` and
``st.builds(...)`` of annotated classes work without importing this module.

Every factory validates its arguments when it is called and raises
:class:`hypothesis.errors.InvalidArgument` for bad ones.

Examples
--------
>>> from hypothesis import given, settings
>>> import symnet
>>> from symnet import strategies as sst
>>> @settings(max_examples=10, deadline=None, database=None)
... @given(sst.networks(inputs=2, activations=["tanh", "sin"]))
... def test_order_one(net):
...     p = symnet.expand(net, 1)
...     assert p.order == 1 and p.variables == net.inputs
>>> test_order_one()
"""

from __future__ import annotations

# Defined before hypothesis is imported: importing hypothesis runs its entry
# points, which load this (partially initialised) module.
def _hypothesis_setup_hook():
    """Register symnet's types with hypothesis (the ``hypothesis`` entry point).

    Called by hypothesis when it is imported; afterwards
    ``st.from_type(symnet.Network)`` (and ``Polynomial``, ``Tree``,
    ``Activation``, ``Neuron``, ``RidgeSum``) and ``st.builds`` of classes
    annotated with them work.
    """
    if "_register_types" in globals():
        _register_types()
    # else this module is importing hypothesis right now: it registers the
    # types itself at the end of its import


import functools  # noqa: E402
import inspect  # noqa: E402
import math  # noqa: E402
import numbers  # noqa: E402
from fractions import Fraction  # noqa: E402

import sympy  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.errors import InvalidArgument  # noqa: E402
from hypothesis.strategies import SearchStrategy  # noqa: E402

from ..activations import Activation, get_activation  # noqa: E402
from ..activations import builtin_names as _builtin_names  # noqa: E402
from ..errors import ArgumentError, SymnetError, UnknownActivationError  # noqa: E402
from ..network import Network  # noqa: E402
from ..pde import Neuron, RidgeSum, Tree  # noqa: E402
from ..monomials import monomials as _all_monomials  # noqa: E402
from ..polynomial import Polynomial  # noqa: E402

__all__ = [
    "ACTIVATION_ORDER",
    "TREE_CONSTITUENTS",
    "RIDGE_PROFILES",
    "weights",
    "float_weights",
    "activations",
    "networks",
    "polynomials",
    "trees",
    "tree_functions",
    "ridge_sums",
]

#: Built-in activations, simplest first: what ``activations()`` shrinks toward.
ACTIVATION_ORDER = _builtin_names(variants=False)

#: Constituents of :func:`tree_functions`, simplest first.
TREE_CONSTITUENTS = ("sum", "product", "square", "exp", "sin", "tanh", "exp_product",
                     "sum_of_products")

#: One-variable profiles of :func:`ridge_sums`, simplest first.
RIDGE_PROFILES = ("identity", "square", "cube", "exp", "sin", "cos", "tanh", "sigmoid")

_LEAF_MAPS = ("identity", "square", "exp", "sin")


# ---------------------------------------------------------------------------
# argument validation
# ---------------------------------------------------------------------------

def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _is_int_pair(v):
    return isinstance(v, (tuple, list)) and len(v) == 2 and all(_is_int(i) for i in v)


def _int_range(who, name, value, minimum):
    """An int or an inclusive ``(min, max)`` pair of ints, as a pair."""
    if _is_int(value):
        lo = hi = int(value)
    elif _is_int_pair(value):
        lo, hi = (int(v) for v in value)
    else:
        raise InvalidArgument(
            f"{who}: {name} must be an int or a (min, max) pair of ints; got {value!r}")
    if lo > hi:
        raise InvalidArgument(f"{who}: {name}=({lo}, {hi}) has min > max")
    if lo < minimum:
        raise InvalidArgument(f"{who}: {name} must be at least {minimum}; got {value!r}")
    return lo, hi


def _symbols(who, name, value, *, exactly=None):
    """A sequence of distinct Symbols (names and "x y" strings are accepted)."""
    if isinstance(value, str):
        names = value.replace(",", " ").split()
        if not all(n.isidentifier() for n in names):
            raise InvalidArgument(f"{who}: {name} must be variable names such as 'x y' or "
                                  f"'x1, x2'; got {value!r}")
        value = [sympy.Symbol(n) for n in names]
    elif isinstance(value, sympy.Symbol):
        value = (value,)
    if not isinstance(value, (tuple, list, sympy.Tuple)):
        raise InvalidArgument(
            f"{who}: {name} must be a sequence of sympy Symbols (or a string of names such as "
            f"'x y'); got {value!r} of type {type(value).__name__}")
    out = []
    for v in value:
        if isinstance(v, str) and v.isidentifier():
            v = sympy.Symbol(v)
        if not isinstance(v, sympy.Symbol):
            raise InvalidArgument(f"{who}: every entry of {name} must be a sympy Symbol; got "
                                  f"{v!r} of type {type(v).__name__}")
        out.append(v)
    if len(set(out)) != len(out) or len({v.name for v in out}) != len(out):
        raise InvalidArgument(f"{who}: {name} must be distinct variables; got {tuple(out)}")
    if exactly is not None and len(out) != exactly:
        raise InvalidArgument(f"{who}: {name} must be exactly {exactly} variables; got "
                              f"{len(out)}: {tuple(out)}")
    if not out:
        raise InvalidArgument(f"{who}: {name} needs at least one variable; got none")
    return tuple(out)


def _default_symbols(n):
    return tuple(sympy.symbols(f"x1:{n + 1}")) if n else ()


def _as_fraction(who, name, value):
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, sympy.Rational)):
        raise InvalidArgument(f"{who}: {name} must be a real number; got {value!r}")
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, sympy.Basic):
        raise InvalidArgument(f"{who}: {name} must be a rational number; got {value!r}")
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if not math.isfinite(float(value)):
        raise InvalidArgument(f"{who}: {name} must be finite; got {value!r}")
    return Fraction(float(value))


def _check_strategy(who, name, value):
    if not isinstance(value, SearchStrategy):
        raise InvalidArgument(f"{who}: {name} must be a hypothesis SearchStrategy; got "
                              f"{value!r} of type {type(value).__name__}")
    return value


def _to_rational(f):
    return sympy.Rational(f.numerator, f.denominator)


def _pool(who, name, value, known):
    """A non-empty list of names from ``known`` and/or callables, in order."""
    if isinstance(value, str) or callable(value):
        value = [value]
    if not isinstance(value, (tuple, list)) or not value:
        raise InvalidArgument(f"{who}: {name} must be a non-empty list of names from {known} "
                              f"or callables; got {value!r}")
    for v in value:
        if not callable(v) and v not in known:
            raise InvalidArgument(f"{who}: unknown entry {v!r} in {name}; expected one of "
                                  f"{known} or a callable")
    return tuple(value)


def _described(factory):
    """Make the strategies ``factory`` returns print as the call that made them.

    ``repr(sst.networks(depth=2))`` is ``networks(depth=2)`` rather than the
    internal composite with its processed arguments.
    """
    sig = inspect.signature(factory)

    @functools.wraps(factory)
    def wrapper(*args, **kwargs):
        strategy = factory(*args, **kwargs)
        bound = sig.bind(*args, **kwargs)
        shown = []
        for name, value in bound.arguments.items():
            param = sig.parameters[name]
            if param.kind is param.KEYWORD_ONLY:
                shown.append(f"{name}={value!r}")
            else:
                shown.append(repr(value))
        text = f"{factory.__name__}({', '.join(shown)})"
        try:  # a LazyStrategy caches its repr here; harmless if hypothesis changes
            strategy._LazyStrategy__representation = text
        except AttributeError:  # pragma: no cover - slotted strategies
            pass
        return strategy

    return wrapper


# ---------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------

def weights(*, max_denominator: int = 4, bound=2, nonzero: bool = False
            ) -> SearchStrategy[sympy.Rational]:
    """Exact rational weights as sympy Rationals, shrinking toward 0.

    Parameters
    ----------
    max_denominator : int, optional
        Largest denominator (default 4).  Exact coefficients grow quickly
        with it, so keep it small.
    bound : int, Fraction or sympy Rational, optional
        Weights lie in ``[-bound, bound]`` (default 2).
    nonzero : bool, optional
        Exclude 0.

    Returns
    -------
    SearchStrategy[sympy.Rational]

    Examples
    --------
    >>> from hypothesis import find, settings
    >>> from symnet import strategies as sst
    >>> find(sst.weights(), lambda w: True, settings=settings(database=None))
    0
    >>> find(sst.weights(nonzero=True), lambda w: w < 0, settings=settings(database=None))
    -1
    """
    who = "weights()"
    if not _is_int(max_denominator) or max_denominator < 1:
        raise InvalidArgument(f"{who}: max_denominator must be a positive int; got "
                              f"{max_denominator!r}")
    b = _as_fraction(who, "bound", bound)
    if b < 0:
        raise InvalidArgument(f"{who}: bound must be non-negative; got {bound!r}")
    if not isinstance(nonzero, bool):
        raise InvalidArgument(f"{who}: nonzero must be a bool; got {nonzero!r}")
    if nonzero and b < Fraction(1, max_denominator):
        raise InvalidArgument(f"{who}: no nonzero weight has |w| <= {b} and denominator <= "
                              f"{max_denominator}")
    D = int(max_denominator)
    if sum(2 * math.floor(b * q) + 1 for q in range(1, D + 1)) <= _MAX_SAMPLED:
        # every allowed weight, simplest first: fast to draw, shrinks by index
        values = {Fraction(p, q) for q in range(1, D + 1)
                  for p in range(-math.floor(b * q), math.floor(b * q) + 1)}
        if nonzero:
            values.discard(Fraction(0))
        ordered = sorted(values, key=lambda f: (f.denominator, abs(f), f < 0))
        return st.sampled_from([_to_rational(f) for f in ordered])
    return _rationals(b, D, nonzero)


_MAX_SAMPLED = 4000


@st.composite
def _rationals(draw, bound, max_denominator, nonzero):
    q = draw(st.integers(1, max_denominator), label="denominator")
    hi = math.floor(bound * q)
    p = draw(st.integers(-hi, hi).filter(bool) if nonzero else st.integers(-hi, hi),
             label="numerator")
    return sympy.Rational(p, q)


_exact_weights = weights  # networks() has a parameter named weights


def float_weights(*, bound: float = 2.0) -> SearchStrategy[float]:
    """Finite float weights in ``[-bound, bound]``, shrinking toward 0.0.

    No NaN, no infinities, no subnormals.  Networks built from them expand
    in float64 (``RR``) by default.

    Parameters
    ----------
    bound : float, optional
        Default 2.0.

    Returns
    -------
    SearchStrategy[float]

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from symnet import strategies as sst
    >>> @settings(max_examples=20, deadline=None, database=None)
    ... @given(sst.float_weights(bound=0.5))
    ... def test_bounded(w):
    ...     assert isinstance(w, float) and -0.5 <= w <= 0.5
    >>> test_bounded()
    """
    who = "float_weights()"
    if isinstance(bound, bool) or not isinstance(bound, numbers.Real) or \
            not math.isfinite(float(bound)) or float(bound) < 0:
        raise InvalidArgument(f"{who}: bound must be a finite non-negative number; got {bound!r}")
    return st.floats(min_value=-float(bound), max_value=float(bound), allow_nan=False,
                     allow_infinity=False, allow_subnormal=False)


# ---------------------------------------------------------------------------
# activations and networks
# ---------------------------------------------------------------------------

def activations(*, analytic: bool = True) -> SearchStrategy[Activation]:
    """Built-in activations, simplest first (``identity``, ``square``, ``tanh``, ...).

    Parameters
    ----------
    analytic : bool, optional
        True (default): only activations with a Maclaurin series, which
        series mode can expand.  False: also ``relu``, ``leaky_relu`` and
        ``hardtanh`` (drawn last, so shrinking prefers analytic ones).

    Returns
    -------
    SearchStrategy[Activation]

    Examples
    --------
    >>> from hypothesis import find, settings
    >>> from symnet import strategies as sst
    >>> find(sst.activations(), lambda a: True, settings=settings(database=None))
    Activation('identity')
    >>> find(sst.activations(), lambda a: a.polynomial_degree is None,
    ...      settings=settings(database=None))
    Activation('tanh')
    """
    if not isinstance(analytic, bool):
        raise InvalidArgument(f"activations(): analytic must be a bool; got {analytic!r}")
    acts = [get_activation(n) for n in ACTIVATION_ORDER]
    if analytic:
        acts = [a for a in acts if a.analytic]
    return st.sampled_from(acts)


_all_activations = activations  # networks() has a parameter named activations


def _activation_strategy(who, name, value):
    if value is None:
        return _all_activations()
    if isinstance(value, SearchStrategy):
        return value.map(get_activation)
    if isinstance(value, (str, Activation)):
        value = [value]
    if not isinstance(value, (tuple, list)) or not value:
        raise InvalidArgument(
            f"{who}: {name} must be an activation name, a non-empty list of names (sampled in "
            f"that order, simplest first) or a SearchStrategy; got {value!r}")
    acts = []
    for v in value:
        try:
            acts.append(get_activation(v))
        except UnknownActivationError as exc:
            raise InvalidArgument(f"{who}: {name}: {exc}") from None
    return st.sampled_from(acts)


def _number_strategy(who, name, value, default):
    if value is None:
        return default
    if isinstance(value, SearchStrategy):
        return value
    if isinstance(value, bool):
        raise InvalidArgument(f"{who}: {name} must be a SearchStrategy or a number; got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidArgument(f"{who}: {name} must be finite; got {value!r}")
        return st.just(value)
    if isinstance(value, (numbers.Rational, sympy.Rational)):
        return st.just(_to_rational(_as_fraction(who, name, value)))
    raise InvalidArgument(f"{who}: {name} must be a SearchStrategy or a number; got {value!r}")


@_described
def networks(*, inputs=(1, 3), depth=(1, 2), widths=(1, 3), activations=None,
             weights=None, biases=None, outputs: int = 1, output_activation="identity",
             symbolic: bool = False) -> SearchStrategy[Network]:
    """Dense feed-forward networks with small exact weights.

    A drawn network has ``depth`` hidden layers, each of a drawn width and
    one drawn activation, followed by an output layer of ``outputs``
    neurons (linear by default).  It shrinks toward fewer inputs, fewer and
    narrower layers, simpler activations and weights toward 0.

    Parameters
    ----------
    inputs : int, (min, max) or sequence of Symbols, optional
        Number of inputs (named ``x1, x2, ...``) or the input variables
        themselves (a string such as ``"x y"`` is accepted).  Default (1, 3).
    depth : int or (min, max), optional
        Number of hidden layers (0 gives an affine map).  Default (1, 2).
    widths : int or (min, max), optional
        Width of each hidden layer, drawn per layer.  Default (1, 3).
    activations : name, list of names, or SearchStrategy, optional
        The activation of each hidden layer.  A list is sampled in its
        order (put the simplest first); default :func:`activations`
        (analytic built-ins, simplest first).
    weights : SearchStrategy, optional
        Weight values; default :func:`weights` (exact rationals in
        [-2, 2] with denominator <= 4).  Use :func:`float_weights` for
        float networks.
    biases : SearchStrategy or number, optional
        Bias values; default the same as ``weights``.  ``biases=0`` gives
        networks without biases.
    outputs : int, optional
        Number of output neurons (default 1).
    output_activation : name or None, optional
        Activation of the output layer (default ``"identity"``); None
        draws it like a hidden layer's.
    symbolic : bool, optional
        True: every weight and bias is a fresh Symbol named as in
        :meth:`symnet.Network.mlp` (``w{l}_{i}_{j}``, ``b{l}_{i}``); then
        ``weights`` and ``biases`` must not be given.

    Returns
    -------
    SearchStrategy[Network]

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import symnet
    >>> from symnet import strategies as sst
    >>> @settings(max_examples=10, deadline=None, database=None)
    ... @given(sst.networks(inputs="x y", activations=["tanh", "sin"], biases=0))
    ... def test_odd(net):  # odd activations, no biases: an odd polynomial
    ...     p = symnet.expand(net, 4)
    ...     assert all(sum(e) % 2 == 1 for e in p.terms())
    >>> test_odd()

    Symbolic weights, fixed shape:

    >>> @settings(max_examples=5, deadline=None, database=None)
    ... @given(sst.networks(inputs=2, depth=1, widths=2, symbolic=True))
    ... def test_symbolic(net):
    ...     assert len(net.free_symbols) == 2 * 2 + 2 + 2 + 1
    >>> test_symbolic()
    """
    who = "networks()"
    fixed_inputs = None
    if _is_int(inputs) or _is_int_pair(inputs):
        n_range = _int_range(who, "inputs", inputs, 1)
    else:
        fixed_inputs = _symbols(who, "inputs", inputs)
        n_range = (len(fixed_inputs), len(fixed_inputs))
    d_range = _int_range(who, "depth", depth, 0)
    w_range = _int_range(who, "widths", widths, 1)
    if not _is_int(outputs) or outputs < 1:
        raise InvalidArgument(f"{who}: outputs must be a positive int; got {outputs!r}")
    if not isinstance(symbolic, bool):
        raise InvalidArgument(f"{who}: symbolic must be a bool; got {symbolic!r}")
    act_s = _activation_strategy(who, "activations", activations)
    if output_activation is None:
        out_s = act_s
    else:
        out_s = _activation_strategy(who, "output_activation", output_activation)
    if symbolic:
        if weights is not None or biases is not None:
            raise InvalidArgument(f"{who}: symbolic=True makes every weight and bias a Symbol; "
                                  "do not pass weights= or biases= with it")
        w_s = b_s = None
    else:
        w_s = _exact_weights() if weights is None else _check_strategy(who, "weights", weights)
        b_s = _number_strategy(who, "biases", biases, w_s)
    return _networks(fixed_inputs, n_range, d_range, w_range, act_s, out_s, w_s, b_s,
                     int(outputs), symbolic)


_MAX_GRID = 400  # draw weights on the largest shape when it has at most this many


@st.composite
def _networks(draw, fixed_inputs, n_range, d_range, w_range, act_s, out_s, w_s, b_s, outputs,
              symbolic):
    if fixed_inputs is None:
        syms = _default_symbols(draw(st.integers(*n_range), label="inputs"))
    else:
        syms = fixed_inputs
    depth = draw(st.integers(*d_range), label="depth")
    max_depth, max_w, max_n = d_range[1], w_range[1], n_range[1]
    widths = [draw(st.integers(*w_range), label="width") for _ in range(max_depth)]
    acts = [draw(act_s, label="activation").name for _ in range(max_depth)]
    out_act = draw(out_s, label="output activation").name
    # with depth d the last d drawn layers are used (see below)
    sizes = [len(syms)] + widths[max_depth - depth:] + [outputs]
    acts = acts[max_depth - depth:] + [out_act]
    if symbolic:
        return Network.mlp(sizes, activation=acts, inputs=syms)
    C = max(max_n, max_w)  # columns of every drawn weight grid
    Ws, bs = [], []
    if (max_depth * max_w + outputs) * (C + 1) <= _MAX_GRID:
        # Weights are drawn on the largest shape (one grid per layer, max_w
        # rows per hidden layer, C columns); a smaller network uses the LAST
        # rows, columns and layers.  Hidden unit i of a grid feeds column
        # C - max_w + i of the next grid.  Before selecting, the units of
        # each hidden grid are sorted by how many nonzero parameters they
        # touch (a permutation: the function is unchanged), so that lowering
        # a width while shrinking drops the idle units and keeps the ones
        # that matter.  Lowering an input count keeps the last columns.
        grids = []
        for l in range(max_depth + 1):
            rows = outputs if l == max_depth else max_w
            W = [[draw(w_s, label="weight") for _ in range(C)] for _ in range(rows)]
            b = [draw(b_s, label="bias") for _ in range(rows)]
            grids.append((W, b))
        off = C - max_w
        for l in range(max_depth):
            W, b = grids[l]
            nxt = grids[l + 1][0]
            score = [sum(v != 0 for v in W[i]) + (b[i] != 0)
                     + sum(row[off + i] != 0 for row in nxt) for i in range(max_w)]
            perm = sorted(range(max_w), key=lambda i: score[i])
            grids[l] = ([W[i] for i in perm], [b[i] for i in perm])
            grids[l + 1] = ([row[:off] + [row[off + i] for i in perm] for row in nxt],
                            grids[l + 1][1])
        for k, (W, b) in enumerate(grids[max_depth - depth:]):
            n_in, n_out = sizes[k], sizes[k + 1]
            Ws.append([row[C - n_in:] for row in W[len(W) - n_out:]])
            bs.append(b[len(b) - n_out:])
    else:
        for a, b in zip(sizes[:-1], sizes[1:]):
            Ws.append([[draw(w_s, label="weight") for _ in range(a)] for _ in range(b)])
            bs.append([draw(b_s, label="bias") for _ in range(b)])
    return Network.dense(Ws, bs, activations=acts, inputs=syms)


# ---------------------------------------------------------------------------
# polynomials
# ---------------------------------------------------------------------------

@_described
def polynomials(variables=None, order=None, *, coefficients=None, max_terms=None,
                center=None) -> SearchStrategy[Polynomial]:
    """Truncated symnet Polynomials with small exact coefficients.

    Shrinks toward fewer terms, lower-degree monomials and coefficients
    toward 0 (the zero polynomial is the simplest).

    Parameters
    ----------
    variables : int, (min, max), sequence of Symbols or str, optional
        The variables (an int ``n`` means ``x1 .. xn``).  Default: drawn,
        ``x1 .. xn`` with ``n`` in 1..3.
    order : int or (min, max), optional
        Truncation order.  Default: drawn in 0..3.
    coefficients : SearchStrategy, optional
        Default :func:`weights`; :func:`float_weights` gives ``RR``
        polynomials.
    max_terms : int, optional
        At most this many nonzero terms.
    center : sequence, optional
        The centre of the polynomial (default the origin).

    Returns
    -------
    SearchStrategy[Polynomial]

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from symnet import strategies as sst
    >>> @settings(max_examples=20, deadline=None, database=None)
    ... @given(sst.polynomials("x y", 2), sst.polynomials("x y", 2))
    ... def test_commutative(p, q):
    ...     assert p * q == q * p
    >>> test_commutative()
    """
    who = "polynomials()"
    fixed_vars = None
    v_range = (1, 3)
    if variables is not None:
        if _is_int(variables) or _is_int_pair(variables):
            v_range = _int_range(who, "variables", variables, 1)
        else:
            fixed_vars = _symbols(who, "variables", variables)
    o_range = (0, 3) if order is None else _int_range(who, "order", order, 0)
    c_s = weights() if coefficients is None else \
        _check_strategy(who, "coefficients", coefficients)
    if max_terms is not None and (not _is_int(max_terms) or max_terms < 0):
        raise InvalidArgument(f"{who}: max_terms must be a non-negative int; got {max_terms!r}")
    if center is not None:
        if fixed_vars is None and v_range[0] != v_range[1]:
            raise InvalidArgument(f"{who}: a center needs a fixed number of variables")
        nvar = len(fixed_vars) if fixed_vars is not None else v_range[0]
        if not isinstance(center, (tuple, list)) or len(center) != nvar:
            raise InvalidArgument(f"{who}: center must be a sequence of {nvar} numbers; got "
                                  f"{center!r}")
        center = tuple(center)
    return _polynomials(fixed_vars, v_range, o_range, c_s, max_terms, center)


@st.composite
def _polynomials(draw, fixed_vars, v_range, o_range, c_s, max_terms, center):
    if fixed_vars is None:
        syms = _default_symbols(draw(st.integers(*v_range), label="variables"))
    else:
        syms = fixed_vars
    order = draw(st.integers(*o_range), label="order")
    monos = _all_monomials(len(syms), order)
    terms = draw(st.dictionaries(st.sampled_from(monos), c_s, max_size=max_terms),
                 label="terms")
    return Polynomial(terms, syms, order, center=center)


# ---------------------------------------------------------------------------
# trees and functions computed on them
# ---------------------------------------------------------------------------

@_described
def trees(leaves=None, *, permute: bool = True) -> SearchStrategy[Tree]:
    """Rooted trees whose leaves are the given variables: every shape, any arity.

    Every internal node has at least two children (a one-leaf tree is
    ``(x,)``).  The simplest tree is the flat one, ``(x, y, z)``, which
    imposes no constraint; shrinking merges internal nodes into their
    parents and restores the given leaf order.

    Parameters
    ----------
    leaves : int, (min, max), sequence of Symbols or str, optional
        The leaf variables (each used once); an int ``n`` means
        ``x1 .. xn``.  Default: ``x1 .. xn`` with ``n`` in 2..4.
    permute : bool, optional
        Draw the leaves in any order (default True); False keeps the given
        order (depth first).

    Returns
    -------
    SearchStrategy[Tree]

    Examples
    --------
    >>> from hypothesis import find, settings
    >>> from symnet import strategies as sst
    >>> find(sst.trees("x y z"), lambda t: True, settings=settings(database=None))
    Tree('(x, y, z)')
    >>> find(sst.trees("x y z"), lambda t: t.depth == 2, settings=settings(database=None))
    Tree('(x, (y, z))')
    """
    who = "trees()"
    fixed = None
    n_range = (2, 4)
    if leaves is not None:
        if _is_int(leaves) or _is_int_pair(leaves):
            n_range = _int_range(who, "leaves", leaves, 1)
        else:
            fixed = _symbols(who, "leaves", leaves)
    if not isinstance(permute, bool):
        raise InvalidArgument(f"{who}: permute must be a bool; got {permute!r}")
    return _trees(fixed, n_range, permute)


@st.composite
def _trees(draw, fixed, n_range, permute):
    if fixed is None:
        syms = _default_symbols(draw(st.integers(*n_range), label="leaves"))
    else:
        syms = fixed
    if permute:
        syms = tuple(draw(st.permutations(syms), label="leaf order"))
    if len(syms) == 1:
        return Tree((syms[0],))
    return Tree(_tree_node(draw, list(syms)))


def _tree_node(draw, block):
    """Nested tuples over a block of >= 2 leaves: consecutive groups become children."""
    # together[i]: leaves i and i+1 go into the same child (False, the simplest, splits)
    together = [draw(st.booleans(), label="group") for _ in range(len(block) - 1)]
    if all(together):  # a single child holding everything would be a unary node
        together[0] = False
    children, cur = [], [block[0]]
    for leaf, tog in zip(block[1:], together):
        if tog:
            cur.append(leaf)
        else:
            children.append(cur)
            cur = [leaf]
    children.append(cur)
    return tuple(c[0] if len(c) == 1 else _tree_node(draw, c) for c in children)


_COEFFS = (sympy.Integer(1), sympy.Integer(-1), sympy.Integer(2), sympy.Integer(-2),
           sympy.Rational(1, 2), -sympy.Rational(1, 2), sympy.Integer(3), sympy.Rational(1, 3))


def _constituent(name, us, cs):
    """Constituent ``name`` of the children ``us`` with coefficients ``cs``."""
    if callable(name):
        return sympy.sympify(name(list(us)))
    linear = sympy.Add(*[c * u for c, u in zip(cs, us)])
    if name == "sum":
        return linear
    if name == "product":
        return sympy.Mul(*us)
    if name == "square":
        return linear**2
    if name == "exp":
        return sympy.exp(linear)
    if name == "sin":
        return sympy.sin(linear)
    if name == "tanh":
        return sympy.tanh(linear)
    if name == "exp_product":
        return sympy.exp(sympy.Mul(*us))
    if name == "sum_of_products":
        return sympy.Add(*[us[i] * us[i + 1] for i in range(len(us) - 1)]) + cs[0] * us[0]
    raise ArgumentError(f"unknown constituent {name!r}")  # pragma: no cover - names are validated


def _leaf_map(name, x):
    return {"identity": x, "square": x**2, "exp": sympy.exp(x), "sin": sympy.sin(x)}[name]


@_described
def tree_functions(tree, *, constituents=None, coefficients=None, leaf_maps: bool = True
                   ) -> SearchStrategy[sympy.Expr]:
    """Smooth functions computed on a given tree, from a pool of constituents.

    At every internal node the value is a constituent applied to the
    values of its children: a linear combination, a product, the square,
    ``exp``, ``sin`` or ``tanh`` of a linear combination, ``exp`` of the
    product, or a chain of products (:data:`TREE_CONSTITUENTS`, simplest
    first).  Leaves may first go through a function of one variable
    (``x``, ``x**2``, ``exp(x)``, ``sin(x)``).  Every drawn function is
    computed by the tree, so it satisfies the tree's PDE constraints
    (:func:`symnet.check_pde`).

    Parameters
    ----------
    tree : Tree or tree spec
        For example ``Tree("((x,y),z)")`` or ``"((x,y),z)"``.  To draw the
        tree too, use ``trees(...).flatmap(tree_functions)``.
    constituents : sequence, optional
        Names from :data:`TREE_CONSTITUENTS` and/or callables mapping the
        list of child expressions to a sympy expression (they must be
        smooth functions of the children), simplest first.
    coefficients : SearchStrategy, optional
        Nonzero exact coefficients of the linear combinations; default
        small nonzero rationals, shrinking toward 1.
    leaf_maps : bool, optional
        Allow one-variable functions at the leaves (default True).

    Returns
    -------
    SearchStrategy[sympy.Expr]

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from symnet import Tree, check_pde, strategies as sst
    >>> @settings(max_examples=3, deadline=None, database=None)
    ... @given(sst.tree_functions(Tree("((x,y),z)")))
    ... def test_constraints(f):
    ...     assert check_pde(f, "((x,y),z)").satisfied is not False
    >>> test_constraints()
    """
    who = "tree_functions()"
    if not isinstance(tree, Tree):
        try:
            tree = Tree(tree)
        except SymnetError as exc:
            raise InvalidArgument(f"{who}: tree must be a symnet Tree or a tree spec: {exc}") \
                from None
    pool = TREE_CONSTITUENTS if constituents is None else \
        _pool(who, "constituents", constituents, TREE_CONSTITUENTS)
    c_s = st.sampled_from(_COEFFS) if coefficients is None else \
        _check_strategy(who, "coefficients", coefficients)
    if not isinstance(leaf_maps, bool):
        raise InvalidArgument(f"{who}: leaf_maps must be a bool; got {leaf_maps!r}")
    return _tree_functions(tree, pool, c_s, leaf_maps)


@st.composite
def _tree_functions(draw, tree, pool, c_s, leaf_maps):
    pool_s = st.sampled_from(pool)
    leaf_s = st.sampled_from(_LEAF_MAPS) if leaf_maps else st.just("identity")

    def value(node):
        us = [value(c) if isinstance(c, Tree) else _leaf_map(draw(leaf_s, label="leaf map"), c)
              for c in node.children]
        if len(us) == 1:
            return us[0]
        name = draw(pool_s, label="constituent")
        # every constituent draws the same choices, so shrinking prefers the
        # simplest one (hypothesis shrinks toward fewer choices first)
        cs = [draw(c_s, label="coefficient") for _ in us]
        return _constituent(name, us, cs)

    return value(tree)


# ---------------------------------------------------------------------------
# sums of ridge functions
# ---------------------------------------------------------------------------

def _profile(name, t):
    if callable(name):
        return sympy.sympify(name(t))
    return {"identity": t, "square": t**2, "cube": t**3, "exp": sympy.exp(t),
            "sin": sympy.sin(t), "cos": sympy.cos(t), "tanh": sympy.tanh(t),
            "sigmoid": 1 / (1 + sympy.exp(-t))}[name]


def _direction_key(d):
    a, b = d
    g = math.gcd(a, b)
    a, b = a // g, b // g
    if a < 0 or (a == 0 and b < 0):
        a, b = -a, -b
    return (a, b)


@_described
def ridge_sums(m, inputs, *, profiles=None, max_direction: int = 3, biases=None
               ) -> SearchStrategy[sympy.Expr]:
    """Sums of ``m`` ridge functions ``f_1(a_1 x + b_1 y + c_1) + ... + f_m(...)``.

    The directions ``(a_i, b_i)`` are small integer vectors, nonzero and
    pairwise non-parallel; the profiles ``f_i`` come from a pool of smooth
    one-variable functions (:data:`RIDGE_PROFILES`, simplest first).  Every
    drawn sum satisfies the PDE constraints of ``RidgeSum(m, inputs)``.

    Parameters
    ----------
    m : int
        Number of ridge functions (at least 1).
    inputs : sequence of two Symbols or str
        The two input variables, e.g. ``"x y"``.
    profiles : sequence, optional
        Names from :data:`RIDGE_PROFILES` and/or callables mapping a sympy
        expression ``t`` to ``f(t)``, simplest first.
    max_direction : int, optional
        Direction entries lie in ``[-max_direction, max_direction]``
        (default 3; must allow ``m`` non-parallel directions).
    biases : SearchStrategy, optional
        The shifts ``c_i``; default :func:`weights`.

    Returns
    -------
    SearchStrategy[sympy.Expr]

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from symnet import RidgeSum, check_pde, strategies as sst
    >>> @settings(max_examples=3, deadline=None, database=None)
    ... @given(sst.ridge_sums(2, "x y"))
    ... def test_two_ridges(f):
    ...     assert check_pde(f, RidgeSum(2, "x y")).satisfied is not False
    >>> test_two_ridges()
    """
    who = "ridge_sums()"
    if not _is_int(m) or m < 1:
        raise InvalidArgument(f"{who}: m must be a positive int; got {m!r}")
    syms = _symbols(who, "inputs", inputs, exactly=2)
    if not _is_int(max_direction) or max_direction < 1:
        raise InvalidArgument(f"{who}: max_direction must be a positive int; got "
                              f"{max_direction!r}")
    r = int(max_direction)
    available = {_direction_key((a, b)) for a in range(-r, r + 1) for b in range(-r, r + 1)
                 if (a, b) != (0, 0)}
    if len(available) < m:
        raise InvalidArgument(f"{who}: only {len(available)} non-parallel directions have "
                              f"entries in [-{r}, {r}]; raise max_direction for m={m}")
    pool = RIDGE_PROFILES if profiles is None else \
        _pool(who, "profiles", profiles, RIDGE_PROFILES)
    b_s = weights() if biases is None else _check_strategy(who, "biases", biases)
    return _ridge_sums(int(m), syms, pool, r, b_s)


@st.composite
def _ridge_sums(draw, m, syms, pool, r, b_s):
    x, y = syms
    entry = st.integers(-r, r)
    dirs = draw(st.lists(st.tuples(entry, entry).filter(lambda d: d != (0, 0)),
                         min_size=m, max_size=m, unique_by=_direction_key), label="directions")
    pool_s = st.sampled_from(pool)
    total = sympy.S.Zero
    for a, b in dirs:
        t = a * x + b * y + draw(b_s, label="bias")
        total += _profile(draw(pool_s, label="profile"), t)
    return total


# ---------------------------------------------------------------------------
# registration with hypothesis
# ---------------------------------------------------------------------------

def _register_types():
    st.register_type_strategy(Network, networks())
    st.register_type_strategy(Polynomial, polynomials())
    st.register_type_strategy(Tree, trees())
    st.register_type_strategy(Activation, activations())
    st.register_type_strategy(
        Neuron, st.integers(1, 3).map(lambda n: Neuron(_default_symbols(n))))
    st.register_type_strategy(
        RidgeSum, st.integers(1, 3).map(lambda m: RidgeSum(m, _default_symbols(2))))


# Registering here too makes ``from symnet import strategies`` enough when
# hypothesis' plugins are disabled (HYPOTHESIS_NO_PLUGINS); registering twice
# is harmless.
_register_types()

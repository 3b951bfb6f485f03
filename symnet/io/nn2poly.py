"""NN2Poly interoperability: its weight lists and its monomial labels.

* :func:`from_nn2poly` -- a network from NN2Poly's weight list (one
  ``(n_in + 1) x n_out`` matrix per layer, row 0 the bias, named by
  activation), so NN2Poly users can move over unchanged;
* :func:`nn2poly_label` -- NN2Poly's label of a monomial (``"0"`` for the
  intercept, ``"1,1,2"`` for ``x1**2*x2``), used by the CSV coefficient
  tables of :func:`symnet.export_polynomial`.

Examples
--------
>>> from symnet import from_nn2poly, nn2poly_label
>>> from_nn2poly([("tanh", [[0], [1]])]).expr()
tanh(x1)
>>> nn2poly_label((2, 1))
'1,1,2'
"""

from __future__ import annotations

import math
import numbers
import os
from fractions import Fraction

import sympy

from ..errors import ArgumentError, FormatError, ShapeError
from ..monomials import nn2poly_label  # noqa: F401  (public here too)
from ..network import Network
from ._values import _activation_name, _decode_value, _Pairs, _read_json

__all__ = ["from_nn2poly", "nn2poly_label"]

NETWORK_FORMAT = "symnet-network"


def from_nn2poly(weights, activations=None, *, inputs=None):
    """A network from NN2Poly's weight list.

    NN2Poly stores one matrix per layer of shape ``(n_in + 1, n_out)``, row 0
    the bias, so that ``z = W[0] + x @ W[1:]``; the list is named by the
    layers' activations (``"tanh"``, ``"sigmoid"``, ``"softplus"``,
    ``"linear"``).

    Parameters
    ----------
    weights : list, dict, str or os.PathLike
        Any of: a list of ``(activation, matrix)`` pairs; a dict
        ``{activation: matrix}`` (R's named list; only when the names are
        distinct); a dict ``{"layers": [...], "activations": [...]}``; a list
        of matrices with ``activations`` given; or the path of a JSON file
        holding one of these (R's ``jsonlite::write_json`` of the weight list
        works, duplicate names included).
    activations : sequence of str, optional
        One name per layer, when ``weights`` does not name them.
    inputs : sequence of sympy Symbols, optional
        Default ``x1 ... xn`` (NN2Poly's variable ``i`` is ``xi``).

    Returns
    -------
    Network

    Raises
    ------
    FormatError
        When the weight list is malformed; the message says where.

    Examples
    --------
    >>> from symnet import from_nn2poly, expand
    >>> net = from_nn2poly([("tanh", [[0, 0], [1, 2]]), ("linear", [[0], [1], [-1]])])
    >>> net.expr()
    tanh(x1) - tanh(2*x1)
    >>> print(expand(net, 3))
    -x1 + 7*x1**3/3 + O(|x1|**4)
    """
    src = "weights"
    if isinstance(weights, (str, os.PathLike)):
        src = os.fspath(weights)
        weights = _read_json(weights, pairs=True)
        if isinstance(weights, dict) and weights.get("format") == NETWORK_FORMAT:
            raise FormatError(f"{src}: this is a symnet network file; use symnet.load_network")
    named = isinstance(weights, (_Pairs, dict)) and not (
        isinstance(weights, dict) and "layers" in weights and "activations" not in weights)
    if activations is not None and (named or (isinstance(weights, list) and weights and all(
            isinstance(p, (list, tuple)) and len(p) == 2 and isinstance(p[0], str)
            for p in weights))):
        raise ArgumentError(f"{src}: the weight list names its activations, so activations= "
                            "does not apply (it is for a plain list of matrices)")
    pairs = _nn2poly_pairs(weights, activations, src)
    Ws, bs, acts = [], [], []
    prev = None
    for l, (name, M) in enumerate(pairs):
        where = f"{src}: layer {l + 1} ({name})"
        act = _activation_name(name, where)
        rows = _nn2poly_matrix(M, where)
        if len(rows) < 2:
            raise FormatError(f"{where}: expected a matrix of shape (n_in + 1, n_out) with the "
                              f"bias in row 0, got {len(rows)} row(s)")
        n_in, n_out = len(rows) - 1, len(rows[0])
        if prev is not None and n_in != prev:
            raise FormatError(f"{where}: the matrix has {n_in + 1} rows, so {n_in} inputs, but "
                              f"the layer before it has {prev} outputs; expected shape "
                              f"({prev + 1}, n_out)")
        prev = n_out
        bs.append([_nn2poly_number(v, f"{where}, row 0, column {j}")
                   for j, v in enumerate(rows[0])])
        Ws.append([[_nn2poly_number(rows[i + 1][j], f"{where}, row {i + 1}, column {j}")
                    for i in range(n_in)] for j in range(n_out)])
        acts.append(act)
    try:
        return Network.dense(Ws, bs, activations=acts, inputs=inputs)
    except ShapeError as e:
        raise FormatError(f"{src}: {e}") from None


def _nn2poly_pairs(weights, activations, src):
    if isinstance(weights, list) and weights and all(
            isinstance(p, (list, tuple)) and len(p) == 2 and isinstance(p[0], str)
            for p in weights):
        pairs = [tuple(p) for p in weights]
    elif isinstance(weights, _Pairs):
        pairs = list(weights)
    elif isinstance(weights, dict) and "layers" in weights:
        layers = weights["layers"]
        acts = weights.get("activations", activations)
        if acts is None:
            raise FormatError(f"{src}: has 'layers' but no 'activations'")
        if not isinstance(layers, list) or not isinstance(acts, list) or len(acts) != len(layers):
            raise FormatError(f"{src}: expected lists 'layers' and 'activations' of the same "
                              "length")
        pairs = list(zip(acts, layers))
    elif isinstance(weights, dict):
        pairs = list(weights.items())
    elif isinstance(weights, (list, tuple)):
        if activations is None:
            raise FormatError(f"{src}: a plain list of matrices needs activations=[...] (one "
                              "name per layer), as NN2Poly names its weight list")
        if isinstance(activations, str):
            activations = [activations]
        if len(activations) != len(weights):
            raise FormatError(f"{src}: {len(weights)} matrices but {len(activations)} "
                              "activations")
        pairs = list(zip(activations, weights))
    else:
        raise FormatError(f"{src}: expected NN2Poly's weight list (a list of (activation, "
                          f"matrix) pairs or a dict), got {type(weights).__name__}")
    if not pairs:
        raise FormatError(f"{src}: the weight list is empty")
    return pairs


def _nn2poly_matrix(M, where):
    try:
        import numpy as np
        if isinstance(M, np.ndarray):
            if M.ndim == 1:  # R drops the dimension of a one-column matrix
                M = M.reshape(-1, 1)
            M = M.tolist()
    except ImportError:  # pragma: no cover
        pass
    if hasattr(M, "tolist") and not isinstance(M, list):
        M = M.tolist()
    if not isinstance(M, (list, tuple)) or not M:
        raise FormatError(f"{where}: expected a matrix (list of rows), got "
                          f"{type(M).__name__}")
    if all(isinstance(r, (numbers.Number, str)) for r in M):  # a one-column matrix as a vector
        M = [[r] for r in M]
    rows = []
    for i, r in enumerate(M):
        if not isinstance(r, (list, tuple)):
            raise FormatError(f"{where}, row {i}: expected a list of numbers, got {r!r}")
        rows.append(list(r))
    if len({len(r) for r in rows}) != 1:
        raise FormatError(f"{where}: rows have different lengths {[len(r) for r in rows]}")
    return rows


def _nn2poly_number(v, where):
    try:
        import numpy as np
        if isinstance(v, np.generic):
            v = v.item()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, (float, int, Fraction, sympy.Basic)) and not isinstance(v, bool):
        if isinstance(v, float) and not math.isfinite(v):
            raise FormatError(f"{where}: expected a finite number, got {v!r}")
        return v
    if isinstance(v, str):
        return _decode_value(v, where)
    raise FormatError(f"{where}: expected a number, got {v!r}")


# ---------------------------------------------------------------------------
# monomial labels
# ---------------------------------------------------------------------------

def _label_exponents(label, n, where):
    label = str(label).strip()
    if label == "0":
        return (0,) * n
    e = [0] * n
    for part in label.split(","):
        part = part.strip()
        if not (part.isascii() and part.isdigit() and len(part) <= 18) or \
                not 1 <= int(part) <= n:
            raise FormatError(f"{where}: bad monomial label {label!r} (expected '0' or "
                              f"comma-separated variable numbers 1..{n})")
        e[int(part) - 1] += 1
    return tuple(e)


def _label_key(e):
    """NN2Poly's row order: by degree, then by label (``1,1,2`` before ``1,2,2``)."""
    return (sum(e), [i for i, k in enumerate(e) for _ in range(k)])



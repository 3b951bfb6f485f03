"""Reading and writing networks and polynomials.

* :func:`from_nn2poly` -- a network from NN2Poly's weight list (one
  ``(n_in + 1) x n_out`` matrix per layer, row 0 the bias, named by
  activation), so NN2Poly users can move over unchanged;
* :func:`save_network` / :func:`load_network` -- symnet's JSON model format
  (``{"format": "symnet-network", "version": 1, ...}``): exact numbers as
  strings (``"3/8"``), floats as JSON floats, symbols by name; it
  round-trips every network exactly, skip connections included;
* :func:`save_polynomial` / :func:`load_polynomial` /
  :func:`export_polynomial` -- polynomials as JSON (exact), CSV with
  NN2Poly's coefficient labels (``"0"`` the intercept, ``"1,1,2"`` for
  ``x1**2*x2``) or LaTeX.

Nothing is ever unpickled or evaluated from a file: numbers are parsed with
:class:`fractions.Fraction` and ``float``, names with :class:`sympy.Symbol`,
and the few expressions a file may hold (sums of products of numbers,
symbols, powers and the constants ``pi``, ``E`` and functions such as
``log``, ``sqrt``, ``exp``) with a small recursive-descent parser.

Examples
--------
>>> import io, sympy
>>> from symnet import Network, save_network, load_network
>>> net = Network.dense([[[sympy.Rational(3, 8), 0.5]]], activations=["tanh"])
>>> f = io.StringIO()
>>> save_network(net, f)
>>> _ = f.seek(0)
>>> load_network(f) == net
True
"""

from __future__ import annotations

import csv
import io as _io
import json
import math
import numbers
import os
import re
from fractions import Fraction

import sympy
from sympy.printing.str import StrPrinter

from .errors import FormatError, NotSupportedError, ShapeError, SymnetError
from .network import Network
from .polynomial import Polynomial

__all__ = [
    "from_nn2poly",
    "save_network",
    "load_network",
    "save_polynomial",
    "load_polynomial",
    "export_polynomial",
    "nn2poly_label",
]

NETWORK_FORMAT = "symnet-network"
POLYNOMIAL_FORMAT = "symnet-polynomial"
VERSION = 1

# Python refuses to convert decimal strings longer than this (CVE-2020-10735);
# longer integers are written in hexadecimal, which has no limit.
_MAX_DEC_DIGITS = 4000


# ---------------------------------------------------------------------------
# a safe parser for the expressions a file (or the command line) may hold
# ---------------------------------------------------------------------------

_FUNCTIONS = {
    "sqrt": sympy.sqrt, "log": sympy.log, "exp": sympy.exp, "tanh": sympy.tanh,
    "erf": sympy.erf, "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "atan": sympy.atan, "asinh": sympy.asinh,
    "Abs": sympy.Abs,
}
_CONSTANTS = {"pi": sympy.pi, "E": sympy.E}

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<hex>0[xX][0-9a-fA-F]+)
  | (?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\*\*|[-+*/(),^])
""", re.VERBOSE)

_MAX_POWER = 10_000
_MAX_POWER_BITS = 1 << 20


class _Parser:
    """Recursive descent over a tiny grammar; never evaluates Python code.

    ``expr := ['+'|'-'] term (('+'|'-') term)*``,
    ``term := power (('*'|'/') power)*``,
    ``power := unary ['**' power]``, ``unary := '-' unary | atom``,
    ``atom := number | name | function '(' expr ')' | '(' expr ')'``.
    """

    def __init__(self, text, where, functions=True):
        self.text = text
        self.where = where
        self.functions = functions
        self.toks = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                self.fail(f"unexpected character {text[pos]!r} at position {pos}")
            if m.lastgroup != "ws":
                self.toks.append((m.lastgroup, m.group(), pos))
            pos = m.end()
        self.i = 0

    def fail(self, msg):
        raise FormatError(f"{self.where}: cannot read {self.text!r}: {msg}")

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None, len(self.text))

    def take(self, value=None):
        kind, tok, pos = self.peek()
        if kind is None:
            self.fail("unexpected end of the expression")
        if value is not None and tok != value:
            self.fail(f"expected {value!r} at position {pos}, got {tok!r}")
        self.i += 1
        return kind, tok, pos

    def parse(self):
        if not self.toks:
            self.fail("empty expression")
        e = self.expr()
        kind, tok, pos = self.peek()
        if kind is not None:
            self.fail(f"unexpected {tok!r} at position {pos}")
        return e

    def expr(self):
        sign = 1
        if self.peek()[1] in ("+", "-"):
            sign = -1 if self.take()[1] == "-" else 1
        out = self.term()
        out = -out if sign < 0 else out
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            t = self.term()
            out = out + t if op == "+" else out - t
        return out

    def term(self):
        out = self.power()
        while self.peek()[1] in ("*", "/"):
            op, pos = self.take()[1:]
            f = self.power()
            if op == "*":
                out = out * f
            else:
                if f == 0:
                    self.fail(f"division by zero at position {pos}")
                out = out / f
        return out

    def power(self):
        base = self.unary()
        if self.peek()[1] in ("**", "^"):
            pos = self.take()[2]
            exp = self.power()
            if not (isinstance(exp, sympy.Rational) and abs(exp.p) <= _MAX_POWER
                    and exp.q <= _MAX_POWER):
                self.fail(f"the exponent at position {pos} must be a small rational number, "
                          f"got {exp}")
            if base == 0 and exp < 0:
                self.fail(f"division by zero at position {pos}")
            if isinstance(base, sympy.Rational) and base != 0:
                bits = max(abs(base.p), base.q).bit_length() * abs(exp.p) / exp.q
                if bits > _MAX_POWER_BITS:
                    self.fail(f"the power at position {pos} would have about {int(bits)} bits")
            return base ** exp
        return base

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return -self.unary()
        if self.peek()[1] == "+":
            self.take()
            return self.unary()
        return self.atom()

    def atom(self):
        kind, tok, pos = self.take()
        if kind == "hex":
            return sympy.Integer(int(tok, 16))
        if kind == "num":
            if re.fullmatch(r"\d+", tok):
                if len(tok) > _MAX_DEC_DIGITS:
                    self.fail(f"integer with {len(tok)} digits at position {pos}; write long "
                              "integers in hexadecimal (0x...)")
                return sympy.Integer(int(tok))
            return sympy.Float(float(tok))
        if kind == "name":
            if self.peek()[1] == "(":
                if not self.functions or tok not in _FUNCTIONS:
                    known = ", ".join(sorted(_FUNCTIONS)) if self.functions else "none"
                    self.fail(f"unknown function {tok!r} at position {pos} (known: {known})")
                self.take("(")
                arg = self.expr()
                self.take(")")
                return _FUNCTIONS[tok](arg)
            if tok in _CONSTANTS and self.functions:
                return _CONSTANTS[tok]
            return sympy.Symbol(tok)
        if tok == "(":
            e = self.expr()
            self.take(")")
            return e
        self.fail(f"unexpected {tok!r} at position {pos}")


def _parse_expr(text, where="expression"):
    """Parse an expression string safely (see :class:`_Parser`)."""
    if not isinstance(text, str):
        raise FormatError(f"{where}: expected a string, got {type(text).__name__}")
    try:
        return _Parser(text, where).parse()
    except RecursionError:
        raise FormatError(f"{where}: cannot read the expression: it is nested too deeply") \
            from None


class _Printer(StrPrinter):
    """sympy's str printer, with floats and huge integers written to round-trip."""

    def _print_Float(self, e):
        if e._prec == 53:
            return repr(float(e))
        return super()._print_Float(e)

    def _print_Integer(self, e):
        return _int_str(int(e.p))

    def _print_Rational(self, e):
        return f"{_int_str(int(e.p))}/{_int_str(int(e.q))}"


def _int_str(n):
    if n.bit_length() > 3.3 * _MAX_DEC_DIGITS:
        return ("-" if n < 0 else "") + hex(abs(n))
    return str(n)


# ---------------------------------------------------------------------------
# numbers and expressions <-> JSON values
# ---------------------------------------------------------------------------

def _encode_value(v, where):
    """A weight, bias or coefficient as a JSON value."""
    if isinstance(v, bool):
        raise FormatError(f"{where}: cannot store the bool {v!r}")
    if isinstance(v, float):
        if not math.isfinite(v):
            raise FormatError(f"{where}: cannot store the non-finite float {v!r}")
        return v
    if isinstance(v, numbers.Integral):
        v = sympy.Integer(int(v))
    if isinstance(v, Fraction):
        v = sympy.Rational(v.numerator, v.denominator)
    if not isinstance(v, sympy.Basic):
        raise FormatError(f"{where}: cannot store {type(v).__name__} {v!r}")
    if v.is_Integer and abs(int(v)) < 2**53:
        return int(v)
    if v.is_Float and v._prec == 53:
        return float(v)
    text = _Printer().doprint(v)
    try:
        back = _parse_expr(text, where)
    except FormatError:
        back = None
    if back != v:
        raise NotSupportedError(
            f"{where}: cannot store {v} exactly in the JSON format (it holds integers, "
            "rationals, floats, symbols and expressions built from them with + - * / **, "
            f"pi, E and the functions {', '.join(sorted(_FUNCTIONS))})")
    return text


def _decode_value(v, where, *, float_strings=True):
    """A JSON value as a weight: int -> Integer, float -> float, str -> parsed."""
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        got = "null" if v is None else (json.dumps(v)[:60] if not isinstance(v, bool)
                                         else str(v).lower())
        raise FormatError(f"{where}: expected a number or a string such as \"3/8\", got {got}")
    if isinstance(v, int):
        return sympy.Integer(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise FormatError(f"{where}: expected a finite number, got {v!r}")
        return v
    if isinstance(v, str):
        s = v.strip()
        if re.fullmatch(r"[+-]?\d+(/\d+)?", s):
            if len(s) > _MAX_DEC_DIGITS:
                raise FormatError(f"{where}: number with {len(s)} digits; write long integers "
                                  "in hexadecimal (0x...)")
            if "/" in s and int(s.split("/")[1]) == 0:
                raise FormatError(f"{where}: cannot read {v!r}: division by zero")
            f = Fraction(s)
            return sympy.Rational(f.numerator, f.denominator)
        e = _parse_expr(s, where)
        if e.is_Float and float_strings:
            return float(e)
        if e.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            raise FormatError(f"{where}: expected a finite value, got {v!r}")
        return e
    raise FormatError(f"{where}: expected a number or a string, got {type(v).__name__}")


def _symbol_from_name(name, where):
    if not isinstance(name, str) or not name:
        raise FormatError(f"{where}: expected a symbol name (a non-empty string), got "
                          f"{json.dumps(name)}")
    return sympy.Symbol(name)


def _encode_key(k, where):
    """A graph node key as JSON: str and int as themselves, tuples as lists."""
    if isinstance(k, bool):
        raise NotSupportedError(f"{where}: node keys must be str, int or tuples of them, got {k!r}")
    if isinstance(k, (str, int)):
        return k
    if isinstance(k, tuple):
        return [_encode_key(x, where) for x in k]
    raise NotSupportedError(f"{where}: node keys must be str, int or tuples of them, got "
                            f"{type(k).__name__} {k!r}")


def _decode_key(k, where):
    if isinstance(k, bool) or k is None or isinstance(k, (float, dict)):
        raise FormatError(f"{where}: a node id must be a string, an integer or a list of them, "
                          f"got {json.dumps(k)}")
    if isinstance(k, list):
        return tuple(_decode_key(x, where) for x in k)
    return k


# ---------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------

def _activation_name(name, where):
    from .activations import get_activation
    from .errors import UnknownActivationError

    if not isinstance(name, str):
        raise FormatError(f"{where}: expected an activation name, got {json.dumps(name)}")
    try:
        return get_activation(name).name
    except UnknownActivationError as e:
        raise FormatError(f"{where}: {e}") from None


# ---------------------------------------------------------------------------
# NN2Poly
# ---------------------------------------------------------------------------

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
# the network file format
# ---------------------------------------------------------------------------

def _network_to_json(net):
    if not isinstance(net, Network):
        raise SymnetError(f"expected a symnet.Network, got {type(net).__name__}")
    import symnet

    doc = {"format": NETWORK_FORMAT, "version": VERSION, "symnet": symnet.__version__}
    layers = net.dense_layers()
    if layers is not None:
        doc["kind"] = "dense"
        doc["inputs"] = [s.name for s in net.inputs]
        doc["layers"] = [
            {"activation": act,
             "weights": [[_encode_value(w, f"layer {l} weights [{i}, {j}]")
                          for j, w in enumerate(row)] for i, row in enumerate(W)],
             "bias": [_encode_value(b, f"layer {l} bias [{i}]") for i, b in enumerate(bias)]}
            for l, (act, W, bias) in enumerate(layers, start=1)]
        return doc
    G = net.graph
    doc["kind"] = "graph"
    nodes = []
    for n in G.graph["inputs"]:
        d = dict(G.nodes[n])
        entry = {"id": _encode_key(n, f"node {n!r}"), "symbol": d.pop("symbol").name}
        _extra_attrs(entry, d, f"node {n!r}")
        nodes.append(entry)
    for n in net.neurons:
        d = dict(G.nodes[n])
        entry = {"id": _encode_key(n, f"node {n!r}"), "activation": d.pop("activation"),
                 "bias": _encode_value(d.pop("bias"), f"bias of node {n!r}")}
        _extra_attrs(entry, d, f"node {n!r}")
        nodes.append(entry)
    edges = []
    for u, v, d in G.edges(data=True):
        d = dict(d)
        entry = {"source": _encode_key(u, "edge"), "target": _encode_key(v, "edge"),
                 "weight": _encode_value(d.pop("weight"), f"weight of edge {u!r} -> {v!r}")}
        _extra_attrs(entry, d, f"edge {u!r} -> {v!r}")
        edges.append(entry)
    doc["nodes"] = nodes
    doc["edges"] = edges
    doc["outputs"] = [_encode_key(o, "outputs") for o in net.outputs]
    extra = {k: v for k, v in G.graph.items() if k not in ("inputs", "outputs")}
    if extra:
        doc["attributes"] = _plain_json(extra, "graph attributes")
    return doc


def _extra_attrs(entry, d, where):
    if d:
        entry["attributes"] = _plain_json(d, f"attributes of {where}")


def _plain_json(obj, where):
    """Extra (user) attributes: only plain JSON data is stored, never lost silently."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise NotSupportedError(f"{where}: cannot store the non-finite float {obj!r}")
        return obj
    if isinstance(obj, list):
        return [_plain_json(x, where) for x in obj]
    if isinstance(obj, dict) and all(isinstance(k, str) for k in obj):
        return {k: _plain_json(v, where) for k, v in obj.items()}
    raise NotSupportedError(
        f"{where}: cannot store {type(obj).__name__} {obj!r} (extra attributes must be plain "
        "JSON data: str, int, float, bool, None, lists, dicts with str keys)")


def save_network(net, path):
    """Write a network to symnet's JSON model format.

    Dense networks are stored layer by layer (``W_l`` of shape
    ``(n_out, n_in)``), any other network as its graph (nodes, edges,
    outputs).  Exact numbers are strings such as ``"3/8"``, floats are JSON
    floats (written with ``repr``, so they read back bit for bit), symbols
    and polynomial expressions in them are written by name (``"w1 + 1/2"``).

    Parameters
    ----------
    net : Network
    path : str, os.PathLike or a text file object

    Raises
    ------
    NotSupportedError
        When a weight cannot be stored exactly (for instance a sympy
        function the format does not know) or a node key is not a str, int
        or tuple of them; nothing is written then.

    Examples
    --------
    >>> import io, json, sympy
    >>> from symnet import Network, save_network
    >>> f = io.StringIO()
    >>> save_network(Network.dense([[[sympy.Rational(3, 8), 0.5]]], activations=["tanh"]), f)
    >>> json.loads(f.getvalue())["layers"]
    [{'activation': 'tanh', 'weights': [['3/8', 0.5]], 'bias': [0]}]
    """
    doc = _network_to_json(net)
    _write_text(path, _dumps(doc) + "\n")


def load_network(path):
    """Read a network written by :func:`save_network`.

    The file is validated: a wrong format name or version, a missing key, a
    value of the wrong type or a shape mismatch raises :class:`FormatError`
    saying what is wrong where (as a JSON path such as
    ``$.layers[1].weights[0][2]``).

    Parameters
    ----------
    path : str, os.PathLike or a text file object

    Returns
    -------
    Network

    Examples
    --------
    >>> import io
    >>> from symnet import load_network
    >>> text = '''{"format": "symnet-network", "version": 1, "kind": "dense",
    ...  "inputs": ["x", "y"],
    ...  "layers": [{"activation": "sigmoid", "weights": [["1/2", "w"]], "bias": [0]}]}'''
    >>> load_network(io.StringIO(text)).expr()
    1/(exp(-w*y - x/2) + 1)
    """
    src = _source_name(path)
    doc = _read_json(path)
    return _network_from_json(doc, src)


def _network_from_json(doc, src):
    if not isinstance(doc, dict):
        raise FormatError(f"{src}: $: expected a JSON object, got {_jtype(doc)}")
    fmt = doc.get("format")
    if fmt != NETWORK_FORMAT:
        hint = ""
        if fmt is None and ("layers" in doc or doc.keys() & {"tanh", "sigmoid", "softplus",
                                                             "linear"}):
            hint = " (this looks like an NN2Poly weight file: read it with symnet.from_nn2poly)"
        raise FormatError(f"{src}: $.format: expected {NETWORK_FORMAT!r}, got "
                          f"{json.dumps(fmt)}{hint}")
    ver = doc.get("version")
    if ver != VERSION:
        raise FormatError(f"{src}: $.version: this symnet reads version {VERSION}, got "
                          f"{json.dumps(ver)}")
    kind = doc.get("kind", "dense" if "layers" in doc else "graph")
    try:
        if kind == "dense":
            return _dense_from_json(doc, src)
        if kind == "graph":
            return _graph_from_json(doc, src)
    except FormatError:
        raise
    except SymnetError as e:
        raise FormatError(f"{src}: {e}") from None
    raise FormatError(f"{src}: $.kind: expected 'dense' or 'graph', got {json.dumps(kind)}")


def _need(d, key, typ, path, src):
    if key not in d:
        raise FormatError(f"{src}: {path}: missing key {key!r}")
    v = d[key]
    if not isinstance(v, typ) or isinstance(v, bool) and typ is not bool:
        want = {list: "a list", dict: "an object", str: "a string"}.get(typ, typ.__name__)
        raise FormatError(f"{src}: {path}.{key}: expected {want}, got {_jtype(v)}")
    return v


def _jtype(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return f"the number {v!r}"
    if isinstance(v, str):
        return f"the string {v[:40]!r}"
    if isinstance(v, list):
        return "a list"
    return "an object"


def _dense_from_json(doc, src):
    inputs = _need(doc, "inputs", list, "$", src)
    syms = [_symbol_from_name(n, f"{src}: $.inputs[{i}]") for i, n in enumerate(inputs)]
    layers = _need(doc, "layers", list, "$", src)
    if not layers:
        raise FormatError(f"{src}: $.layers: expected at least one layer")
    Ws, bs, acts = [], [], []
    width = len(syms)
    for l, layer in enumerate(layers):
        p = f"$.layers[{l}]"
        if not isinstance(layer, dict):
            raise FormatError(f"{src}: {p}: expected an object, got {_jtype(layer)}")
        acts.append(_activation_name(_need(layer, "activation", str, p, src),
                                     f"{src}: {p}.activation"))
        W = _need(layer, "weights", list, p, src)
        rows = []
        for i, row in enumerate(W):
            if not isinstance(row, list):
                raise FormatError(f"{src}: {p}.weights[{i}]: expected a list, got {_jtype(row)}")
            if len(row) != width:
                raise FormatError(
                    f"{src}: {p}.weights[{i}]: expected {width} entries (one per "
                    f"{'input' if l == 0 else 'neuron of the layer before'}), got {len(row)}")
            rows.append([_decode_value(v, f"{src}: {p}.weights[{i}][{j}]")
                         for j, v in enumerate(row)])
        if not rows:
            raise FormatError(f"{src}: {p}.weights: expected at least one row")
        b = layer.get("bias")
        if b is None:
            b = [0] * len(rows)
        if not isinstance(b, list):
            raise FormatError(f"{src}: {p}.bias: expected a list, got {_jtype(b)}")
        if len(b) != len(rows):
            raise FormatError(f"{src}: {p}.bias: expected {len(rows)} entries (one per row of "
                              f"the weights), got {len(b)}")
        bs.append([_decode_value(v, f"{src}: {p}.bias[{i}]") for i, v in enumerate(b)])
        Ws.append(rows)
        width = len(rows)
    return Network.dense(Ws, bs, activations=acts, inputs=syms)


def _graph_from_json(doc, src):
    import networkx as nx

    G = nx.DiGraph()
    nodes = _need(doc, "nodes", list, "$", src)
    inputs = []
    for i, nd in enumerate(nodes):
        p = f"$.nodes[{i}]"
        if not isinstance(nd, dict):
            raise FormatError(f"{src}: {p}: expected an object, got {_jtype(nd)}")
        if "id" not in nd:
            raise FormatError(f"{src}: {p}: missing key 'id'")
        key = _decode_key(nd["id"], f"{src}: {p}.id")
        if key in G:
            raise FormatError(f"{src}: {p}.id: the node id {json.dumps(nd['id'])} is repeated")
        attrs = dict(_attributes(nd, p, src))
        if "symbol" in nd:
            attrs["symbol"] = _symbol_from_name(nd["symbol"], f"{src}: {p}.symbol")
            inputs.append(key)
        else:
            attrs["activation"] = _activation_name(nd.get("activation", "identity"),
                                                   f"{src}: {p}.activation")
            attrs["bias"] = _decode_value(nd.get("bias", 0), f"{src}: {p}.bias")
        G.add_node(key, **attrs)
    edges = _need(doc, "edges", list, "$", src)
    for i, ed in enumerate(edges):
        p = f"$.edges[{i}]"
        if not isinstance(ed, dict):
            raise FormatError(f"{src}: {p}: expected an object, got {_jtype(ed)}")
        ends = []
        for end in ("source", "target"):
            if end not in ed:
                raise FormatError(f"{src}: {p}: missing key {end!r}")
            k = _decode_key(ed[end], f"{src}: {p}.{end}")
            if k not in G:
                raise FormatError(f"{src}: {p}.{end}: no node has the id {json.dumps(ed[end])}")
            ends.append(k)
        if G.has_edge(*ends):
            raise FormatError(f"{src}: {p}: the edge {ends[0]!r} -> {ends[1]!r} is repeated")
        attrs = dict(_attributes(ed, p, src))
        attrs["weight"] = _decode_value(ed.get("weight", 1), f"{src}: {p}.weight")
        G.add_edge(*ends, **attrs)
    outputs = doc.get("outputs")
    if outputs is not None:
        if not isinstance(outputs, list):
            raise FormatError(f"{src}: $.outputs: expected a list, got {_jtype(outputs)}")
        outputs = [_decode_key(o, f"{src}: $.outputs[{i}]") for i, o in enumerate(outputs)]
        for i, o in enumerate(outputs):
            if o not in G:
                raise FormatError(f"{src}: $.outputs[{i}]: no node has the id "
                                  f"{json.dumps(doc['outputs'][i])}")
    extra = doc.get("attributes")
    if extra is not None:
        if not isinstance(extra, dict):
            raise FormatError(f"{src}: $.attributes: expected an object, got {_jtype(extra)}")
        G.graph.update(extra)
    return Network.from_graph(G, inputs=inputs, outputs=outputs)


def _attributes(d, p, src):
    a = d.get("attributes", {})
    if not isinstance(a, dict):
        raise FormatError(f"{src}: {p}.attributes: expected an object, got {_jtype(a)}")
    bad = {"symbol", "activation", "bias", "weight"} & set(a)
    if bad:
        raise FormatError(f"{src}: {p}.attributes: reserved key {sorted(bad)[0]!r}")
    return a


# ---------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------

def _source_name(path):
    if isinstance(path, (str, os.PathLike)):
        return os.fspath(path)
    return getattr(path, "name", "<file>") if isinstance(getattr(path, "name", None), str) \
        else "<file>"


def _read_text(path):
    if hasattr(path, "read"):
        text = path.read()
    else:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except UnicodeDecodeError:
            raise FormatError(f"{os.fspath(path)}: not a text (UTF-8) file") from None
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(f"{_source_name(path)}: not a text (UTF-8) file") from None
    return text


class _Pairs(list):
    """A JSON object whose keys repeat (an R list with repeated names)."""


def _read_json(path, pairs=False):
    src = _source_name(path)
    text = _read_text(path)

    def hook(items):
        keys = [k for k, _ in items]
        if pairs and len(set(keys)) != len(keys):  # R lists may repeat names
            return _Pairs(items)
        return dict(items)

    def bad_constant(name):
        raise FormatError(f"{src}: {name} is not valid JSON (numbers must be finite)")

    try:
        return json.loads(text, object_pairs_hook=hook, parse_constant=bad_constant)
    except json.JSONDecodeError as e:
        raise FormatError(f"{src}: not valid JSON: {e.msg} at line {e.lineno}, column "
                          f"{e.colno}") from None
    except ValueError as e:  # e.g. integers beyond Python's digit limit
        raise FormatError(f"{src}: cannot read the JSON: {e}") from None


def _dumps(obj, indent=0):
    """JSON with one line per list of scalars (matrix rows, terms): readable and diffable."""
    pad = " " * indent
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad} {json.dumps(k)}: {_dumps(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        if all(not isinstance(x, (list, dict)) for x in obj) or all(
                isinstance(x, list) and all(not isinstance(y, (list, dict)) for y in x)
                for x in obj) and len(obj) <= 1:
            return json.dumps(obj, allow_nan=False)
        items = [f"{pad} {_dumps(x, indent + 1)}" for x in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, allow_nan=False)


def _write_text(path, text):
    if hasattr(path, "write"):
        path.write(text)
        return
    tmp = os.fspath(path) + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------
# polynomials
# ---------------------------------------------------------------------------

def nn2poly_label(exponents):
    """NN2Poly's label of a monomial: ``"0"`` for 1, ``"1,1,2"`` for ``x1**2*x2``.

    Parameters
    ----------
    exponents : tuple of int

    Examples
    --------
    >>> from symnet import nn2poly_label
    >>> nn2poly_label((2, 1, 0)), nn2poly_label((0, 0, 0))
    ('1,1,2', '0')
    """
    parts = [str(i + 1) for i, e in enumerate(exponents) for _ in range(int(e))]
    return ",".join(parts) if parts else "0"


def _label_exponents(label, n, where):
    label = str(label).strip()
    if label == "0":
        return (0,) * n
    e = [0] * n
    for part in label.split(","):
        part = part.strip()
        if not part.isdigit() or not 1 <= int(part) <= n:
            raise FormatError(f"{where}: bad monomial label {label!r} (expected '0' or "
                              f"comma-separated variable numbers 1..{n})")
        e[int(part) - 1] += 1
    return tuple(e)


def _label_key(e):
    """NN2Poly's row order: by degree, then by label (``1,1,2`` before ``1,2,2``)."""
    return (sum(e), [i for i, k in enumerate(e) for _ in range(k)])


def _as_polys(poly):
    polys = tuple(poly) if isinstance(poly, (tuple, list)) else (poly,)
    if not polys or not all(isinstance(p, Polynomial) for p in polys):
        raise SymnetError(f"expected a symnet.Polynomial or a tuple of them, got "
                          f"{type(poly).__name__}")
    first = polys[0]
    for p in polys[1:]:
        if p.variables != first.variables or tuple(p.center) != tuple(first.center):
            raise SymnetError("the polynomials of a tuple must share variables and centre")
    return polys


def _ordered_exponents(polys, all_monomials):
    n = len(polys[0].variables)
    exps = set()
    if all_monomials:
        from itertools import combinations_with_replacement
        for d in range(max(p.order for p in polys) + 1):
            for combo in combinations_with_replacement(range(n), d):
                e = [0] * n
                for j in combo:
                    e[j] += 1
                exps.add(tuple(e))
    else:
        for p in polys:
            exps |= set(p.terms())
    return sorted(exps, key=_label_key)


def _polynomial_json(polys):
    doc = {
        "format": POLYNOMIAL_FORMAT, "version": VERSION,
        "variables": [v.name for v in polys[0].variables],
        "center": [_encode_value(a, f"center [{i}]") for i, a in enumerate(polys[0].center)],
        "outputs": [],
    }
    for k, p in enumerate(polys):
        terms = [[nn2poly_label(e), _encode_value(c, f"output {k + 1}, coefficient of "
                                                     f"{nn2poly_label(e)}")]
                 for e, c in sorted(p.terms().items(), key=lambda kv: _label_key(kv[0]))]
        doc["outputs"].append({"order": p.order, "domain": p.domain, "terms": terms})
    return doc


def _polynomial_csv(polys, all_monomials=False, as_float=False):
    out = _io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    w.writerow(["label", "degree"] + [f"coef_out{k + 1}" for k in range(len(polys))])
    tables = [p.terms() for p in polys]
    for e in _ordered_exponents(polys, all_monomials):
        row = [nn2poly_label(e), sum(e)]
        for p, t in zip(polys, tables):
            if sum(e) > p.order:
                row.append("")
                continue
            c = t.get(e, 0.0 if not p.is_exact else sympy.S.Zero)
            if as_float or isinstance(c, float):
                row.append(repr(float(c)))
            else:
                row.append(_encode_value(c, f"coefficient of {nn2poly_label(e)}")
                           if not (isinstance(c, sympy.Basic) and c.is_Integer)
                           else str(int(c)))
        w.writerow(row)
    return out.getvalue()


def export_polynomial(poly, format="json", *, all_monomials=False, as_float=False, **latex):
    """A polynomial (or a tuple of them, one per output) as text.

    Parameters
    ----------
    poly : Polynomial or tuple of Polynomial
    format : {"json", "csv", "latex", "text"}
        ``"json"``: symnet's exact polynomial format (read back with
        :func:`load_polynomial`).  ``"csv"``: NN2Poly's coefficient table,
        columns ``label, degree, coef_out1, ...``, labels such as
        ``"1,1,2"``, rows by degree then label.  ``"latex"``: an ``align``
        environment (see :func:`symnet.latex`).  ``"text"``: ``str(poly)``.
    all_monomials : bool
        CSV: list every monomial up to the order, zeros included, as NN2Poly
        does (default: the nonzero ones).
    as_float : bool
        CSV: write coefficients as floats (default: exact coefficients as
        exact strings such as ``"-1/48"``, floats as floats).
    **latex
        Settings for :func:`symnet.latex`.

    Returns
    -------
    str

    Examples
    --------
    >>> from symnet import Network, expand, export_polynomial
    >>> p = expand(Network.dense([[[1, 2]]], activations=["sigmoid"]), 3)
    >>> print(export_polynomial(p, "csv"))
    "label","degree","coef_out1"
    "0",0,"1/2"
    "1",1,"1/4"
    "2",1,"1/2"
    "1,1,1",3,"-1/48"
    "1,1,2",3,"-1/8"
    "1,2,2",3,"-1/4"
    "2,2,2",3,"-1/6"
    <BLANKLINE>
    """
    polys = _as_polys(poly)
    if format == "json":
        return _dumps(_polynomial_json(polys)) + "\n"
    if format == "csv":
        return _polynomial_csv(polys, all_monomials=all_monomials, as_float=as_float)
    if format == "latex":
        from .printing import latex as _latex
        return _latex(poly if len(polys) > 1 else polys[0], **latex) + "\n"
    if format == "text":
        return "\n".join(str(p) for p in polys) + "\n"
    raise SymnetError(f"unknown format {format!r}; expected 'json', 'csv', 'latex' or 'text'")


def save_polynomial(poly, path, format=None, **options):
    """Write a polynomial (or one per output) to a file.

    Parameters
    ----------
    poly : Polynomial or tuple of Polynomial
    path : str or os.PathLike
    format : {None, "json", "csv", "latex", "text"}
        Default: from the file's suffix (``.json``, ``.csv``, ``.tex``,
        ``.txt``).
    **options
        Passed to :func:`export_polynomial`.

    Examples
    --------
    >>> import os, tempfile
    >>> from symnet import Network, expand, save_polynomial, load_polynomial
    >>> p = expand(Network.dense([[[1, 2]]], activations=["sigmoid"]), 3)
    >>> path = os.path.join(tempfile.mkdtemp(), "p.json")
    >>> save_polynomial(p, path)
    >>> load_polynomial(path) == p
    True
    """
    if format is None:
        suffix = os.path.splitext(os.fspath(path))[1].lower()
        format = {".json": "json", ".csv": "csv", ".tex": "latex", ".txt": "text"}.get(suffix)
        if format is None:
            raise SymnetError(f"cannot tell the format of {os.fspath(path)!r} from its suffix; "
                              "pass format='json', 'csv', 'latex' or 'text'")
    _write_text(path, export_polynomial(poly, format, **options))


def load_polynomial(path, variables=None):
    """Read a polynomial from symnet's JSON format or an NN2Poly coefficient CSV.

    Parameters
    ----------
    path : str, os.PathLike or a text file object
    variables : sequence of sympy Symbols, optional
        For CSV files: the variables (default ``x1 ... xn`` with ``n`` the
        largest variable number in the labels).

    Returns
    -------
    Polynomial, or a tuple of them (one per output)

    Examples
    --------
    >>> import io
    >>> from symnet import load_polynomial
    >>> text = '"label","degree","coef_out1"\\n"0",0,"0.5"\\n"1,2",2,"-0.25"\\n'
    >>> load_polynomial(io.StringIO(text), variables="x y")
    0.5 - 0.25*x*y + O(|(x, y)|**3)
    """
    src = _source_name(path)
    text = _read_text(path)
    if text.lstrip().startswith("{"):
        polys = _polynomial_from_json(_read_json(_io.StringIO(text)), src)
    else:
        polys = _polynomial_from_csv(text, src, variables)
    return polys[0] if len(polys) == 1 else tuple(polys)


def _polynomial_from_json(doc, src):
    if not isinstance(doc, dict):
        raise FormatError(f"{src}: $: expected a JSON object, got {_jtype(doc)}")
    if doc.get("format") != POLYNOMIAL_FORMAT:
        raise FormatError(f"{src}: $.format: expected {POLYNOMIAL_FORMAT!r}, got "
                          f"{json.dumps(doc.get('format'))}")
    if doc.get("version") != VERSION:
        raise FormatError(f"{src}: $.version: this symnet reads version {VERSION}, got "
                          f"{json.dumps(doc.get('version'))}")
    names = _need(doc, "variables", list, "$", src)
    syms = [_symbol_from_name(v, f"{src}: $.variables[{i}]") for i, v in enumerate(names)]
    n = len(syms)
    center = doc.get("center")
    if center is not None:
        if not isinstance(center, list) or len(center) != n:
            raise FormatError(f"{src}: $.center: expected a list of {n} numbers")
        center = [_decode_value(a, f"{src}: $.center[{i}]") for i, a in enumerate(center)]
    outs = _need(doc, "outputs", list, "$", src)
    if not outs:
        raise FormatError(f"{src}: $.outputs: expected at least one polynomial")
    polys = []
    for k, o in enumerate(outs):
        p = f"$.outputs[{k}]"
        if not isinstance(o, dict):
            raise FormatError(f"{src}: {p}: expected an object, got {_jtype(o)}")
        order = o.get("order")
        if not isinstance(order, int) or isinstance(order, bool) or order < 0:
            raise FormatError(f"{src}: {p}.order: expected a non-negative integer, got "
                              f"{json.dumps(order)}")
        terms = {}
        for i, t in enumerate(_need(o, "terms", list, p, src)):
            if not (isinstance(t, list) and len(t) == 2 and isinstance(t[0], str)):
                raise FormatError(f"{src}: {p}.terms[{i}]: expected [label, coefficient]")
            e = _label_exponents(t[0], n, f"{src}: {p}.terms[{i}][0]")
            if e in terms:
                raise FormatError(f"{src}: {p}.terms[{i}]: the monomial {t[0]!r} is repeated")
            if sum(e) > order:
                raise FormatError(f"{src}: {p}.terms[{i}]: degree {sum(e)} is above the order "
                                  f"{order}")
            terms[e] = _decode_value(t[1], f"{src}: {p}.terms[{i}][1]")
        try:
            polys.append(Polynomial(terms, syms, order, center=center))
        except SymnetError as e:
            raise FormatError(f"{src}: {p}: {e}") from None
    return polys


def _polynomial_from_csv(text, src, variables):
    rows = list(csv.reader(_io.StringIO(text)))
    rows = [r for r in rows if r]
    if not rows:
        raise FormatError(f"{src}: empty file")
    head = [h.strip() for h in rows[0]]
    if len(head) < 2 or head[0] != "label":
        raise FormatError(f"{src}: line 1: expected the header \"label\",\"degree\","
                          f"\"coef_out1\",... (NN2Poly's layout), got {rows[0]}")
    cols = [j for j, h in enumerate(head) if j >= 1 and h != "degree"]
    if not cols:
        raise FormatError(f"{src}: line 1: no coefficient columns")
    labels = []
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(head):
            raise FormatError(f"{src}: line {i}: expected {len(head)} fields, got {len(r)}")
        labels.append(r[0])
    maxvar = 0
    for i, lab in enumerate(labels, start=2):
        if lab.strip() != "0":
            for part in lab.split(","):
                if not part.strip().isdigit() or int(part) < 1:
                    raise FormatError(f"{src}: line {i}: bad monomial label {lab!r}")
                maxvar = max(maxvar, int(part))
    if variables is None:
        syms = sympy.symbols(f"x1:{maxvar + 1}") if maxvar else (sympy.Symbol("x1"),)
    else:
        syms = sympy.symbols(variables, seq=True) if isinstance(variables, str) \
            else tuple(variables)
        if len(syms) < maxvar:
            raise FormatError(f"{src}: labels use variable {maxvar}, but {len(syms)} variables "
                              "were given")
    n = len(syms)
    out = []
    for j in cols:
        terms, order = {}, 0
        for i, r in enumerate(rows[1:], start=2):
            e = _label_exponents(r[0], n, f"{src}: line {i}")
            order = max(order, sum(e))
            v = r[j].strip()
            if v == "":
                continue
            terms[e] = _decode_value(v, f"{src}: line {i}, column {head[j]!r}")
        out.append(Polynomial(terms, syms, order))
    return out

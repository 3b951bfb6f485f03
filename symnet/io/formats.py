"""symnet's own file formats: networks and polynomials as JSON, CSV and LaTeX.

* :func:`save_network` / :func:`load_network` -- symnet's JSON model format
  (``{"format": "symnet-network", "version": 1, ...}``): exact numbers as
  strings (``"3/8"``), floats as JSON floats, symbols by name; it
  round-trips every network exactly, skip connections included;
* :func:`save_polynomial` / :func:`load_polynomial` /
  :func:`export_polynomial` -- polynomials as JSON (exact), CSV with
  NN2Poly's coefficient labels (``"0"`` the intercept, ``"1,1,2"`` for
  ``x1**2*x2``) or LaTeX;
* ``Network.dense_layers()`` -- the layers ``(activation, W, b)`` of a network
  built like :meth:`Network.dense <symnet.Network.dense>` (used by the JSON
  format and by :func:`symnet.latex`'s matrix form).

Nothing is ever unpickled or evaluated from a file: numbers are parsed with
:class:`fractions.Fraction` and ``float``, names with :class:`sympy.Symbol`,
and the few expressions a file may hold (sums of products of numbers,
symbols, powers and the constants ``pi``, ``E`` and functions such as
``log``, ``sqrt``, ``exp``) with :func:`symnet._validate.parse_expr`.

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
import os

import sympy

from ..errors import (ArgumentError, FormatError, InputError, NotSupportedError,
                      ResourceError, SymnetError)
from ..network import Network
from ..polynomial import Polynomial
from ._values import (_activation_name, _decode_key, _decode_value, _dumps, _encode_key,
                      _encode_value, _jtype, _need, _read_json, _read_text, _source_name,
                      _symbol_from_name, _write_text)
from .nn2poly import _label_exponents, _label_key, nn2poly_label

__all__ = [
    "save_network",
    "load_network",
    "save_polynomial",
    "load_polynomial",
    "export_polynomial",
    "read_json",
]

NETWORK_FORMAT = "symnet-network"
POLYNOMIAL_FORMAT = "symnet-polynomial"
VERSION = 1


# ---------------------------------------------------------------------------
# the network file format
# ---------------------------------------------------------------------------

def read_json(path):
    """A JSON document, read safely: depth-limited, duplicate keys refused.

    The reader every symnet JSON format uses (and the command line, to tell
    a symnet network file from an NN2Poly weight file).

    Parameters
    ----------
    path : str, os.PathLike or a text file object

    Returns
    -------
    dict, list or a JSON scalar

    Raises
    ------
    FormatError
        Invalid JSON, nesting deeper than 64 levels, a key repeated in one object.
    FileError, ArgumentError
        A missing file, a directory, or a ``path`` that is not a path.

    Examples
    --------
    >>> import io
    >>> from symnet.io.formats import read_json
    >>> read_json(io.StringIO('{"a": [1, 2]}'))
    {'a': [1, 2]}
    >>> read_json(io.StringIO('{"a": 1, "a": 2}'))
    Traceback (most recent call last):
    ...
    symnet.errors.FormatError: <file>: the key 'a' appears twice in one object (JSON readers disagree on which one counts)
    """
    return _read_json(path)


def _graph_attributes(net):
    return net.metadata


def _network_to_json(net):
    if not isinstance(net, Network):
        raise InputError(f"expected a symnet.Network, got {type(net).__name__}")
    import symnet

    doc = {"format": NETWORK_FORMAT, "version": VERSION, "symnet": symnet.__version__}
    layers = net.dense_layers()
    extra = _graph_attributes(net)
    if layers is not None:
        doc["kind"] = "dense"
        doc["inputs"] = [s.name for s in net.inputs]
        doc["layers"] = [
            {"activation": act,
             "weights": [[_encode_value(w, f"layer {l} weights [{i}, {j}]")
                          for j, w in enumerate(row)] for i, row in enumerate(W)],
             "bias": [_encode_value(b, f"layer {l} bias [{i}]") for i, b in enumerate(bias)]}
            for l, (act, W, bias) in enumerate(layers, start=1)]
        if extra:
            doc["attributes"] = _plain_json(extra, "graph attributes")
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
    if type(ver) is not int or ver != VERSION:   # true == 1 in Python: not a version
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
    net = Network.dense(Ws, bs, activations=acts, inputs=syms)
    extra = doc.get("attributes")
    if extra is None:
        return net
    if not isinstance(extra, dict):
        raise FormatError(f"{src}: $.attributes: expected an object, got {_jtype(extra)}")
    if {"inputs", "outputs"} & set(extra):
        raise FormatError(f"{src}: $.attributes: reserved key "
                          f"{sorted({'inputs', 'outputs'} & set(extra))[0]!r}")
    return net.with_metadata(**extra)


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


def _as_polys(poly):
    polys = tuple(poly) if isinstance(poly, (tuple, list)) else (poly,)
    if not polys or not all(isinstance(p, Polynomial) for p in polys):
        raise InputError(f"expected a symnet.Polynomial or a tuple of them, got "
                          f"{type(poly).__name__}")
    first = polys[0]
    for p in polys[1:]:
        if p.variables != first.variables or tuple(p.center) != tuple(first.center):
            raise ArgumentError("the polynomials of a tuple must share variables and centre")
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


def _named_constants(polys):
    """The named constants of the coefficients, each after those its value uses."""
    from ..constants import NamedConstant

    found = {}
    todo = [c for p in polys for c in p.terms().values() if isinstance(c, sympy.Basic)]
    while todo:
        for a in todo.pop().atoms(NamedConstant):
            if a.name not in found:
                found[a.name] = a
                todo.append(a.value)
    order, done = [], set()

    def visit(name):
        if name in done:
            return
        done.add(name)
        for a in found[name].value.atoms(NamedConstant):
            visit(a.name)
        order.append(name)

    for name in sorted(found):
        visit(name)
    return {name: found[name] for name in order}


def _polynomial_json(polys):
    from .._validate import as_name

    for v in polys[0].variables:   # what load_polynomial would refuse is not written
        as_name(v.name, "variable", error=InputError)
    doc = {
        "format": POLYNOMIAL_FORMAT, "version": VERSION,
        "variables": [v.name for v in polys[0].variables],
        "center": [_encode_value(a, f"center [{i}]") for i, a in enumerate(polys[0].center)],
    }
    consts = _named_constants(polys)
    if consts:
        clash = {v.name for v in polys[0].variables} & set(consts)
        if clash:
            raise NotSupportedError(f"a named constant has the name of a variable: "
                                    f"{sorted(clash)[0]}")
        # exact Taylor polynomials of deep networks name their nested values: stored once
        doc["constants"] = [[name, _encode_value(c.value, f"constant {name}", consts)]
                            for name, c in consts.items()]
    doc["outputs"] = []
    for k, p in enumerate(polys):
        terms = [[nn2poly_label(e), _encode_value(c, f"output {k + 1}, coefficient of "
                                                     f"{nn2poly_label(e)}", consts)]
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
            elif isinstance(c, sympy.Basic) and c.is_Integer and abs(c.p).bit_length() < 60:
                row.append(str(int(c)))
            else:
                if isinstance(c, sympy.Basic) and _named_constants([Polynomial._from_terms(
                        p.variables, p.order, {e: c})]):
                    c = c.doit()   # NN2Poly's table has no constants table: written out
                row.append(str(_encode_value(c, f"coefficient of {nn2poly_label(e)}")))
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
        from ..printing import latex as _latex
        return _latex(poly if len(polys) > 1 else polys[0], **latex) + "\n"
    if format == "text":
        return "\n".join(str(p) for p in polys) + "\n"
    raise ArgumentError(f"unknown format {format!r}; expected 'json', 'csv', 'latex' or 'text'")


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
            raise FormatError(f"cannot tell the format of {os.fspath(path)!r} from its suffix; "
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
    if type(doc.get("version")) is not int or doc.get("version") != VERSION:
        raise FormatError(f"{src}: $.version: this symnet reads version {VERSION}, got "
                          f"{json.dumps(doc.get('version'))}")
    names = _need(doc, "variables", list, "$", src)
    syms = [_symbol_from_name(v, f"{src}: $.variables[{i}]") for i, v in enumerate(names)]
    if len(set(syms)) != len(syms):
        raise FormatError(f"{src}: $.variables: a variable is repeated in {names}")
    n = len(syms)
    consts = _constants_from_json(doc.get("constants"), {s.name for s in syms}, src)
    rename = {sympy.Symbol(k): c for k, c in consts.items()}
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
            c = _decode_value(t[1], f"{src}: {p}.terms[{i}][1]")
            terms[e] = c.xreplace(rename) if rename and isinstance(c, sympy.Basic) else c
        try:
            polys.append(Polynomial(terms, syms, order, center=center))
        except SymnetError as e:
            raise FormatError(f"{src}: {p}: {e}") from None
    return polys


def _constants_from_json(items, variables, src):
    """``{name: NamedConstant}`` from the ``constants`` list, each value after its parts."""
    from .._validate import as_name
    from ..constants import NamedConstant

    if items is None:
        return {}
    if not isinstance(items, list):
        raise FormatError(f"{src}: $.constants: expected a list of [name, value], got "
                          f"{_jtype(items)}")
    out = {}
    for i, item in enumerate(items):
        p = f"$.constants[{i}]"
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            raise FormatError(f"{src}: {p}: expected [name, value]")
        name = as_name(item[0], f"{src}: {p}[0]")
        if name in out or name in variables:
            raise FormatError(f"{src}: {p}[0]: the name {name!r} is already used")
        v = _decode_value(item[1], f"{src}: {p}[1]")
        if isinstance(v, float):
            v = sympy.Float(v)
        v = v.xreplace({sympy.Symbol(k): c for k, c in out.items()})
        if v.free_symbols:
            raise FormatError(f"{src}: {p}[1]: the value of {name} uses "
                              f"{sorted(map(str, v.free_symbols))[0]}, which is not a constant "
                              "defined before it")
        out[name] = NamedConstant(name, v)
    return out


#: the most variables a polynomial CSV may imply (NN2Poly numbers them 1..n)
MAX_CSV_VARIABLES = 100_000


def _polynomial_from_csv(text, src, variables):
    import re

    from .._validate import as_symbols, available_memory, refuse_if_over

    try:
        rows = list(csv.reader(_io.StringIO(text)))
    except csv.Error as e:
        raise FormatError(f"{src}: not a CSV file symnet reads: {e}") from None
    rows = [r for r in rows if r]
    if not rows:
        raise FormatError(f"{src}: empty file")
    head = [h.strip() for h in rows[0]]
    if len(head) < 2 or head[0] != "label":
        raise FormatError(f"{src}: line 1: expected the header \"label\",\"degree\","
                          f"\"coef_out1\",... (NN2Poly's layout), got {_show_row(rows[0])}")
    cols = [j for j, h in enumerate(head) if j >= 1 and h != "degree"]
    if not cols:
        raise FormatError(f"{src}: line 1: no coefficient columns")
    labels = []
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(head):
            raise FormatError(f"{src}: line {i}: expected {len(head)} fields, got {len(r)}")
        labels.append(r[0])
    maxvar, used, degree = 0, set(), 0
    for i, lab in enumerate(labels, start=2):
        if lab.strip() != "0":
            parts = lab.split(",")
            for part in parts:
                part = part.strip()
                if not re.fullmatch(r"[0-9]{1,18}", part) or int(part) < 1:
                    raise FormatError(f"{src}: line {i}: bad monomial label {_show(lab)} "
                                      "(expected '0' or comma-separated variable numbers 1, 2, "
                                      "...)")
                used.add(int(part))
            degree = max(degree, len(parts))
    maxvar = max(used, default=0)
    if variables is None:
        # NN2Poly numbers the variables 1..n: every number up to the largest is a variable
        est = 400 * maxvar + 8 * maxvar * len(labels) * len(cols)
        if maxvar > MAX_CSV_VARIABLES:
            raise ResourceError(
                f"{src}: a label names variable {maxvar:,}, so the polynomial would have "
                f"{maxvar:,} variables (about {est / 2**30:.2g} GiB), but the file uses only "
                f"{len(used):,} distinct ones and symnet reads at most {MAX_CSV_VARIABLES:,}; "
                "pass variables=[...] naming them")
        refuse_if_over(est, available_memory(), "the memory this process may still use",
                       f"{src}: {maxvar:,} variables x {len(labels):,} monomials",
                       "pass fewer variables")
        syms = tuple(sympy.Symbol(f"x{i}") for i in range(1, maxvar + 1)) if maxvar \
            else (sympy.Symbol("x1"),)
    else:
        syms = as_symbols(variables, "variables")
        if len(syms) < maxvar:
            raise FormatError(f"{src}: labels use variable {maxvar}, but {len(syms)} variables "
                              "were given")
    n = len(syms)
    deg_col = head.index("degree") if "degree" in head else None
    seen = {}
    for i, r in enumerate(rows[1:], start=2):
        e = _label_exponents(r[0], n, f"{src}: line {i}")
        if e in seen:
            raise FormatError(f"{src}: line {i}: the monomial {_show(r[0])} is already on line "
                              f"{seen[e]}; expected each monomial once")
        seen[e] = i
        if deg_col is not None and r[deg_col].strip() != str(sum(e)):
            raise FormatError(f"{src}: line {i}: the degree column says "
                              f"{_show(r[deg_col].strip())}, but the monomial {_show(r[0])} has "
                              f"degree {sum(e)}")
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
        try:
            out.append(Polynomial(terms, syms, order))
        except SymnetError as e:
            raise FormatError(f"{src}: column {head[j]!r}: {e}") from None
    return out


def _show(text, limit=40):
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "..."


def _show_row(row):
    text = ",".join(row)
    return _show(text, 80)

"""Printing and export of piecewise-linear maps: sympy Piecewise, LaTeX, text, JSON, CSV.

Examples
--------
>>> import sympy, symnet
>>> from symnet import Network
>>> net = Network.dense([[[1, 0], [0, 1]], [[1, 1]]], activations=["relu", "identity"])
>>> print(sympy.latex(symnet.piecewise(net)))  # doctest: +NORMALIZE_WHITESPACE
\\begin{cases} 0 & \\text{for}\\: x_{1} < 0 \\wedge x_{2} < 0 \\\\x_{1} & \\text{for}\\: x_{1} \\geq 0
\\wedge x_{2} < 0 \\\\x_{2} & \\text{for}\\: x_{2} \\geq 0 \\wedge x_{1} < 0 \\\\x_{1} + x_{2} &
\\text{otherwise} \\end{cases}
"""

from __future__ import annotations

import csv
import io
import json

import sympy

from .._validate import printable
from .exactnet import fmpq_to_sympy

__all__ = ["as_piecewise", "condition", "latex", "sympystr", "to_dict", "to_json", "to_csv"]

_S = fmpq_to_sympy


def _lexpos(a):
    for v in a:
        if v:
            return v > 0
    return True


def condition(row, inputs, center):
    """The sympy relation of the inward row ``a . x + c >= 0`` (integers).

    Non-strict when a step from a point of the hyperplane toward ``center``
    (then along ``e1``, ``e2``, ...) enters the half-space, strict otherwise:
    with this rule every point of the box satisfies the conditions of exactly
    the region such a step enters.

    Examples
    --------
    >>> import sympy
    >>> from symnet.pwl.printing import condition
    >>> x, y = sympy.symbols("x y")
    >>> condition((1, -2, 3), (x, y), (0, 0)), condition((0, -1, 0), (x, y), (0, 0))
    (x - 2*y >= -3, y < 0)
    """
    d = len(inputs)
    a, c = row[:d], row[d]
    at_center = sum(ai * ci for ai, ci in zip(a, center)) + c
    closed = at_center > 0 or (at_center == 0 and _lexpos(a))
    lhs_pos = _lexpos(a)
    if lhs_pos:   # a . x >= -c
        lhs = sympy.Add(*[sympy.Integer(ai) * x for ai, x in zip(a, inputs) if ai])
        rhs = sympy.Integer(-c)
        return sympy.Ge(lhs, rhs, evaluate=False) if closed else sympy.Gt(lhs, rhs,
                                                                           evaluate=False)
    lhs = sympy.Add(*[sympy.Integer(-ai) * x for ai, x in zip(a, inputs) if ai])
    rhs = sympy.Integer(c)
    return sympy.Le(lhs, rhs, evaluate=False) if closed else sympy.Lt(lhs, rhs, evaluate=False)


def _conditions(region, pw, upper_only=False):
    fq = region._facets_q()
    conds = []
    for row, meta in fq:
        if meta[0] != "unit":
            continue
        if upper_only and row[0] > 0:
            continue
        conds.append(condition(row, pw.inputs, pw._box.center))
    return sympy.And(*conds) if conds else sympy.true


def as_piecewise(pw):
    """A sympy ``Piecewise`` per output (the Piecewise itself for one output).

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> net = Network.dense([[[1, 0], [0, 1]], [[1, 1]]], activations=["relu", "identity"])
    >>> symnet.piecewise(net).as_piecewise()
    Piecewise((0, (x1 < 0) & (x2 < 0)), (x1, (x1 >= 0) & (x2 < 0)), (x2, (x2 >= 0) & (x1 < 0)), (x1 + x2, True))
    """
    regions = pw.regions
    if pw._merged_from is not None:
        regions = pw._merged_from.regions
    one_d = pw.n_inputs == 1
    conds = [_conditions(r, pw, upper_only=one_d) for r in regions]
    exprs = [r.expressions() for r in regions]
    out = []
    for o in range(pw.n_outputs):
        if one_d:   # upper bounds only: the order of the pieces carries the meaning
            args = [(e[o], c) for e, c in zip(exprs[:-1], conds[:-1])]
        else:
            # one piece per value: on the box a condition holds only in the closure of its
            # region, where the (continuous) map takes that region's value, so conditions of
            # equal values may be joined; the last region's value goes last ("otherwise")
            groups = {}
            for e, c in zip(exprs, conds):
                groups.setdefault(e[o], []).append(c)
            last = exprs[-1][o]
            args = [(v, sympy.Or(*cs) if len(cs) > 1 else cs[0])
                    for v, cs in groups.items() if v != last]
        args.append((exprs[-1][o], sympy.true))
        # unevaluated: sympy would rewrite the conditions into large Or/And forms
        out.append(sympy.Piecewise(*args, evaluate=False))
    return out[0] if len(out) == 1 else tuple(out)


def latex(pw, printer):
    """``cases`` environment(s) of the map (one per output).

    Examples
    --------
    >>> import sympy, symnet
    >>> from symnet import Network
    >>> pw = symnet.piecewise(Network.dense([[[1]], [[1]]], activations=["relu", "identity"]))
    >>> from sympy.printing.latex import LatexPrinter
    >>> print(latex(pw, LatexPrinter()))
    \\begin{cases} 0 & \\text{for}\\: x_{1} < 0 \\\\x_{1} & \\text{otherwise} \\end{cases}
    """
    pc = as_piecewise(pw)
    if pw.n_outputs == 1:
        return printer._print(printable(pc))   # numbers past 4300 digits in hexadecimal
    rows = [f"y_{{{k + 1}}} &= {printer._print(printable(p))}" for k, p in enumerate(pc)]
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def sympystr(pw, printer, limit=20):
    """One line per region: pattern, map, conditions (the first ``limit`` regions).

    Examples
    --------
    >>> import sympy, symnet
    >>> from symnet import Network
    >>> pw = symnet.piecewise(Network.dense([[[1]], [[1]]], activations=["relu", "identity"]))
    >>> print(sympystr(pw, sympy.StrPrinter()))
    <PiecewiseLinear: 2 regions on R^1, 1 input(s), 1 output(s)>
      0: pattern (0,): 0  where x1 < 0
      1: pattern (1,): x1  where x1 >= 0
    """
    lines = [repr(pw)]
    regions = pw.regions
    for r in regions[:limit]:
        expr = r.expressions()
        # numbers past 4300 digits print in hexadecimal (Python refuses them in decimal)
        e = printer._print(printable(expr[0] if len(expr) == 1 else sympy.Tuple(*expr)))
        cells = [r] if pw._merged_from is None else list(r.cells)
        where = " | ".join(printer._print(printable(_conditions(c, pw))) for c in cells)
        pats = ", ".join(str(c.pattern) for c in cells)
        lines.append(f"  {r.index}: pattern {pats}: {e}  where {where}")
    if len(regions) > limit:
        lines.append(f"  ... ({len(regions) - limit} more)")
    return "\n".join(lines)


def _num(q):
    return str(_S(q))


def to_dict(pw, vertices=True):
    """The complex as JSON-ready data; exact numbers as strings such as ``"-3/4"``.

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> d = symnet.piecewise(Network.dense([[[1]], [[1]]], activations=["relu", "identity"]),
    ...                      box=[(-1, 1)]).to_dict()
    >>> d["format"], len(d["regions"]), d["regions"][1]["affine"]
    ('symnet-pwl', 2, {'M': [['1']], 'c': ['0']})
    """
    regions = []
    for r in pw.regions:
        cells = []
        for c in r.cells:
            M, cc = c._affine_q()
            fs = c.facets
            item = {
                "pattern": list(c.pattern),
                "interior_point": [_num(v) for v in c._point_q()],
                "inequalities": {"A": [[str(v) for v in f.a] for f in fs],
                                 "b": [str(f.b) for f in fs],
                                 "source": [[str(s) for s in f.source] for f in fs]},
            }
            if vertices:
                item["bounded"] = c.is_bounded
                item["vertices"] = [[str(v) for v in p] for p in c.vertices]
                item["rays"] = [[str(v) for v in p] for p in c.rays]
            cells.append(item)
        M, cc = r._affine_q()
        entry = {"affine": {"M": [[_num(v) for v in row] for row in M],
                            "c": [_num(v) for v in cc]}}
        if len(cells) == 1:
            entry.update(cells[0])
        else:
            entry["cells"] = cells
        regions.append(entry)
    box = pw.box
    if box is not None and pw._box.kind == "box":
        box = [[str(lo), str(hi)] for lo, hi in box]
    elif box is not None:
        box = {"A": [[str(v) for v in r] for r in box[0]], "b": [str(v) for v in box[1]]}
    return {
        "format": "symnet-pwl",
        "version": 1,
        "inputs": [s.name for s in pw.inputs],
        "n_outputs": pw.n_outputs,
        "box": box,
        "units": [str(u) for u in pw.units],
        "merged": pw._merged_from is not None,
        "regions": regions,
    }


def to_json(pw, path=None, indent=None):
    """JSON text of :func:`to_dict` (also written to ``path`` when given).

    Examples
    --------
    >>> import json, symnet
    >>> from symnet import Network
    >>> pw = symnet.piecewise(Network.dense([[[1]], [[1]]], activations=["relu", "identity"]))
    >>> json.loads(to_json(pw))["regions"][0]["rays"]
    [['-1']]
    """
    text = json.dumps(to_dict(pw), indent=indent)
    if path is not None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    return text


def to_csv(pw):
    """CSV: one row per region (index, pattern, M entries, c entries, interior point).

    Examples
    --------
    >>> import symnet
    >>> from symnet import Network
    >>> pw = symnet.piecewise(Network.dense([[[1]], [[1]]], activations=["relu", "identity"]))
    >>> print(to_csv(pw), end="")
    region,pattern,M1_x1,c1,point_x1
    0,0,0,0,-1
    1,1,1,0,1
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    d, m = pw.n_inputs, pw.n_outputs
    xs = [s.name for s in pw.inputs]
    header = ["region", "pattern"]
    header += [f"M{o + 1}_{x}" for o in range(m) for x in xs]
    header += [f"c{o + 1}" for o in range(m)]
    header += [f"point_{x}" for x in xs]
    w.writerow(header)
    for r in pw.regions:
        M, c = r._affine_q()
        pats = ";".join("".join(str(p) for p in cell.pattern) for cell in r.cells)
        row = [r.index, pats] + [_num(v) for rr in M for v in rr] + [_num(v) for v in c]
        row += [_num(v) for v in r._point_q()]
        w.writerow(row)
    _ = d
    return buf.getvalue()

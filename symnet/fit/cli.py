"""The ``symnet fit`` command: Super Space regression of a CSV file, and a network's weights.

    symnet fit DATA.csv --order 3                       the data's polynomial
    symnet fit DATA.csv --order 5 --network 3           ... and the weights of a 3-unit tanh net
    symnet fit DATA.csv --order 3 --network 2:sigmoid --method exact

The CSV file has one row per sample: the inputs, then the target (or name
the target column with ``--target``).  A first row that is not numbers is
the header (its names become the variables).  Numbers are read as integers,
fractions ``a/b`` or decimals; never evaluated.  Integers and fractions are
exact, so the fit is exact; decimals are floats unless ``--exact`` (then
``0.1`` is ``1/10``).

Examples
--------
>>> from symnet.fit.cli import parse_spec
>>> parse_spec("4,2:sigmoid")
([4, 2], 'sigmoid')
"""

from __future__ import annotations

import argparse
import csv
import math
import re
from fractions import Fraction

import sympy

from .._validate import as_name
from ..cli_args import order_at_most, positive_int
from ..errors import ArgumentError, FormatError

__all__ = []

_INT = re.compile(r"[+-]?\d+\Z")
_FRAC = re.compile(r"[+-]?\d+\s*/\s*\d+\Z")
_DEC = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?\Z")
_MAX_CELL = 4000


def _cell(text, exact, where):
    """One CSV cell as int / Fraction / float; None when it is not a number."""
    s = text.strip()
    if len(s) > _MAX_CELL:
        raise FormatError(f"{where}: a cell of {len(s)} characters (at most {_MAX_CELL})")
    if _INT.match(s):
        return int(s)
    if _FRAC.match(s):
        num, den = (int(p) for p in s.split("/"))
        if den == 0:
            raise FormatError(f"{where}: division by zero in {s!r}")
        return Fraction(num, den)
    if _DEC.match(s):
        if exact:
            return Fraction(s)
        v = float(s)
        if not math.isfinite(v):
            raise FormatError(f"{where}: {s!r} overflows a float")
        return v
    return None


def read_csv(path, *, exact=False):
    """``(names or None, rows)``: the header (if any) and the rows of numbers.

    Raises ``FormatError`` (with the line) for empty cells, NaN or infinite
    values, text in a data row and rows of the wrong length.
    """
    try:
        f = open(path, newline="", encoding="utf-8")
    except OSError as e:
        raise FormatError(f"{path}: {e.strerror or e}") from None
    names, rows, width = None, [], None
    with f:
        reader = csv.reader(f)
        try:
            for line in reader:
                ln = reader.line_num
                if not line or all(not c.strip() for c in line):
                    continue
                if line[0].lstrip().startswith("#"):
                    continue
                if width is None:
                    width = len(line)
                elif len(line) != width:
                    raise FormatError(f"{path}, line {ln}: {len(line)} fields, expected {width} "
                                      "(as the first row)")
                vals = []
                for j, c in enumerate(line):
                    where = f"{path}, line {ln}, column {j + 1}"
                    if not c.strip():
                        raise FormatError(f"{where}: empty cell (missing values are not "
                                          "accepted)")
                    v = _cell(c, exact, where)
                    if v is None:
                        if rows or names is not None:
                            low = c.strip().lower()
                            what = ("NaN or infinity" if low.lstrip("+-") in
                                    ("nan", "inf", "infinity", "na") else "not a number")
                            raise FormatError(f"{where}: {c.strip()!r} is {what}")
                        vals = None
                        break
                    vals.append(v)
                if vals is None:
                    names = [_header_name(c, f"{path}, line {ln}") for c in line]
                    if len(set(names)) != len(names):
                        raise FormatError(f"{path}, line {ln}: repeated column names {names}")
                    continue
                rows.append(vals)
        except csv.Error as e:
            raise FormatError(f"{path}, line {reader.line_num}: {e}") from None
        except UnicodeDecodeError:
            raise FormatError(f"{path}: not a UTF-8 text file") from None
    if not rows:
        raise FormatError(f"{path}: no data rows")
    if width < 2:
        raise FormatError(f"{path}: expected at least two columns (inputs and a target), got "
                          f"{width}")
    return names, rows


def _header_name(text, where):
    s = text.strip()
    low = s.lower()
    if low.lstrip("+-") in ("nan", "inf", "infinity", "na"):
        raise FormatError(f"{where}: {s!r} is NaN or infinity")
    try:
        return as_name(s, f"{where}: column name")
    except FormatError:
        raise FormatError(f"{where}: {s!r} is neither a number nor a column name (letters, "
                          "digits and underscores)") from None


def parse_spec(text):
    """``"3"``, ``"4,2"``, ``"3:sigmoid"`` -> (hidden sizes, activation)."""
    spec, _, act = text.partition(":")
    act = act.strip() or "tanh"
    sizes = []
    for part in spec.split(","):
        part = part.strip()
        if not _INT.match(part) or int(part) < 1:
            raise ArgumentError(f"--network: expected hidden layer sizes such as '3' or '4,2' "
                                f"(optionally ':ACTIVATION'), got {text!r}")
        sizes.append(int(part))
    return sizes, act


def _ridge_arg(text):
    v = _cell(text, True, "--ridge")
    if v is None or v < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative number, got {text!r}")
    return v


def add_parser(subparsers, common):
    """Register ``symnet fit`` on the ``symnet`` command's subparsers."""
    f = subparsers.add_parser(
        "fit", parents=[common],
        help="Super Space regression of a CSV file (and a network's weights)",
        description="Fit the polynomial of degree <= ORDER to DATA.csv by least squares on "
                    "monomial features (exact for integer/fraction data), print it, and with "
                    "--network solve for the weights of a tanh network that realises it. "
                    "Columns: the inputs, then the target (or --target).")
    f.add_argument("data", metavar="DATA.csv", help="CSV file: one row per sample")
    f.add_argument("--order", "-q", type=order_at_most(64), required=True, help="total degree")
    f.add_argument("--network", metavar="SPEC",
                   help="hidden layer sizes, e.g. '3' or '4,2', optionally ':ACTIVATION' "
                        "(default tanh); the output layer is linear")
    f.add_argument("--target", metavar="COLUMN",
                   help="the target column: a header name or a 1-based index (default: last)")
    f.add_argument("--ridge", type=_ridge_arg, default=0, help="ridge penalty (default 0)")
    num = f.add_mutually_exclusive_group()
    num.add_argument("--exact", action="store_true",
                     help="read decimals exactly (0.1 = 1/10): exact least squares")
    num.add_argument("--float", dest="as_float", action="store_true",
                     help="compute in float64 even for integer data")
    f.add_argument("--method", choices=["numeric", "exact"], default="numeric",
                   help="how to solve for the weights (default numeric)")
    f.add_argument("--starts", type=positive_int, default=32,
                   help="numeric: random starts (default 32)")
    f.add_argument("--seed", type=int, default=0, help="numeric: seed (default 0)")
    f.add_argument("--format", "-f", choices=["text", "latex"], default="text")
    f.set_defaults(func=cmd_fit)
    return f


def _split_target(names, rows, target, path):
    width = len(rows[0])
    if target is None:
        k = width - 1
    elif _INT.match(target.strip()):
        k = int(target) - 1
        if not 0 <= k < width:
            raise ArgumentError(f"--target: column {target} is not in 1..{width}")
    else:
        if names is None or target.strip() not in names:
            have = ", ".join(names) if names else "no header"
            raise ArgumentError(f"--target: no column named {target!r} in {path} ({have})")
        k = names.index(target.strip())
    X = [[v for j, v in enumerate(r) if j != k] for r in rows]
    y = [r[k] for r in rows]
    inputs = None
    if names is not None:
        inputs = [sympy.Symbol(n) for j, n in enumerate(names) if j != k]
    return X, y, inputs


def cmd_fit(args, out):
    """Run ``symnet fit``; returns the exit code."""
    from ..network import Network
    from .regression import SuperSpaceRegressor
    from .training import fit_network

    names, rows = read_csv(args.data, exact=args.exact)
    X, y, inputs = _split_target(names, rows, args.target, args.data)
    if args.as_float:
        X = [[float(v) for v in r] for r in X]
        y = [float(v) for v in y]
    d = len(X[0])
    if inputs is None:
        inputs = list(sympy.symbols(f"x1:{d + 1}"))
    reg = SuperSpaceRegressor(args.order, ridge=args.ridge, inputs=inputs).fit(X, y)
    latex = args.format == "latex"
    show = sympy.latex if latex else str
    kind = "exact" if reg.exact_ else "float64"
    out.write(f"# Super Space polynomial of degree <= {args.order} ({len(rows)} rows, "
              f"{len(reg.monomials_)} monomials, {kind}, R^2 {reg.score(X, y):.6g})\n")
    out.write(show(reg.polynomial_) + "\n")
    if args.network:
        hidden, act = parse_spec(args.network)
        template = Network.mlp([d, *hidden, 1], activation=[act] * len(hidden) + ["identity"],
                               inputs=inputs)
        fit = fit_network(template, X, y, args.order, ridge=args.ridge, method=args.method,
                          starts=args.starts, seed=args.seed)
        out.write(f"# network {d} -> {' -> '.join(str(h) for h in hidden)} {act} -> 1\n")
        out.write((show(fit.solutions) if latex else str(fit.solutions)) + "\n")
        out.write(str(fit) + "\n")
    return 0

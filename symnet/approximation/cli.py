"""``symnet compress MODEL --box ... --degree ... [--terms K]``.

Registered by ``symnet.cli.build_parser`` with :func:`add_parser`; the model
is read by the command line's own reader (passed in, so nothing here imports
``symnet.cli``).

Examples
--------
>>> import argparse
>>> from symnet.approximation.cli import add_parser
>>> ap = argparse.ArgumentParser()
>>> add_parser(ap.add_subparsers(dest="command"), argparse.ArgumentParser(add_help=False))
>>> args = ap.parse_args(["compress", "net.json", "--box=-1,1", "--degree", "3"])
>>> args.box, args.degree, args.terms
('-1,1', 3, None)
"""

from __future__ import annotations

import argparse
import json
import sys

from ..cli_args import add_trust_pickle, box_text
from ..errors import ArgumentError

__all__ = ["add_parser", "cmd_compress"]


def _read_data(path, n):
    import numpy as np
    if path.endswith(".npy"):
        X = np.load(path, allow_pickle=False)
    else:
        X = np.loadtxt(path, delimiter=",", ndmin=2)
    if X.ndim != 2 or X.shape[1] != n:
        from ..errors import ShapeError
        raise ShapeError(f"--data {path}: expected {n} columns (one per input), got shape "
                         f"{X.shape}")
    return X


def cmd_compress(args, out):
    """Run ``symnet compress``: the report (and the polynomial) to ``out`` or ``--out``.

    Returns the exit status (0).

    Examples
    --------
    >>> import argparse, io
    >>> from symnet import Network
    >>> from symnet.approximation.cli import add_parser, cmd_compress
    >>> net = Network.dense([[[1]], [[1]]], activations=["tanh", "identity"])
    >>> ap = argparse.ArgumentParser()
    >>> add_parser(ap.add_subparsers(), argparse.ArgumentParser(add_help=False),
    ...            read_model=lambda args: (net, "symnet JSON"))
    >>> args = ap.parse_args(["compress", "net.json", "--box=-1,1", "--degree", "3", "--quiet"])
    >>> out = io.StringIO()
    >>> cmd_compress(args, out)
    0
    >>> print(out.getvalue().splitlines()[1].strip())
    layer 1: tanh -> degree 3 minimax surrogate on [-1, 1], max error <= 4.55e-03
    """
    import symnet
    net, kind = args.read_model(args)
    box = box_text(args.box, net.n_inputs)
    data = _read_data(args.data, net.n_inputs) if args.data else None
    c = symnet.compress(net, box=box, data=data, degree=args.degree, order=args.order,
                        terms=args.terms, method=args.method, samples=args.samples,
                        seed=args.seed, name=args.name or args.model)
    if args.format == "latex":
        text = c.latex_table() + "\n\n" + symnet.latex(c.polynomial, digits=args.digits) + "\n"
    elif args.format == "json":
        d = c.as_dict()
        d["polynomial"] = json.loads(symnet.export_polynomial(c.polynomial, "json"))
        d["surrogates"] = [None if a is None else {
            "activation": a.name, "interval": [str(a.interval[0]), str(a.interval[1])],
            "degree": a.degree, "method": a.method, "max_error": float(a.max_error),
            "coefficients": [str(v) for v in a.coefficients]} for a in c.surrogates]
        text = json.dumps(d, indent=2, default=str) + "\n"
    else:
        text = str(c) + "\n\n" + str(c.polynomial) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        out.write(text)
    if not args.quiet:
        sys.stderr.write(f"symnet: {kind} {args.model}: {c!r}, {c.seconds:.2f} s\n")
    return 0


def _int(text, minimum):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if v < minimum:
        raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}")
    return v


def add_parser(sub, common, read_model=None):
    """Add the ``compress`` command to the ``symnet`` parser's subparsers.

    Parameters
    ----------
    sub : argparse subparsers
    common : argparse.ArgumentParser
        The shared parent parser (``--debug``, ``--progress``).
    read_model : callable, optional
        ``read_model(args) -> (network, description)``: the command line's
        model reader (``args.model``, ``args.activations``, ``args.exact``,
        ``args.rationalize``).

    Examples
    --------
    >>> import argparse
    >>> from symnet.approximation.cli import add_parser, cmd_compress
    >>> ap = argparse.ArgumentParser()
    >>> add_parser(ap.add_subparsers(dest="command"), argparse.ArgumentParser(add_help=False))
    >>> args = ap.parse_args(["compress", "m.onnx", "--box", "0,1", "--terms", "5"])
    >>> args.func is cmd_compress, args.terms, args.method, args.degree
    (True, 5, 'minimax', 4)
    """
    c = sub.add_parser(
        "compress", parents=[common], help="a network as a small polynomial, certified error",
        description="Compress MODEL into a polynomial: fit polynomial surrogates of the "
                    "activations on the certified pre-activation ranges over --box, expand "
                    "exactly, optionally keep the --terms largest monomials (refitted by least "
                    "squares), and report the parameters before and after, the certified max "
                    "error on the box and the errors measured on data.")
    c.add_argument("model", metavar="MODEL", help="model file (symnet JSON, NN2Poly JSON, torch, ONNX, Keras, "
                        "or with --trust-pickle a pickled scikit-learn model)")
    c.add_argument("--box", required=True, metavar="LO,HI[;LO,HI...]",
                   help="input box: one pair for every input or one per input, e.g. "
                        "--box=-1,1 or --box '[-1,1];[0,2]'")
    c.add_argument("--degree", type=lambda s: _int(s, 0), default=4,
                   help="degree of the activation surrogates (default 4)")
    c.add_argument("--order", type=lambda s: _int(s, 0),
                   help="total degree of the polynomial (default --degree)")
    c.add_argument("--terms", type=lambda s: _int(s, 1), metavar="K",
                   help="keep the K largest monomials, refitted by least squares")
    c.add_argument("--method", choices=["minimax", "chebyshev", "l2", "taylor"],
                   default="minimax", help="surrogate method (default minimax)")
    c.add_argument("--data", metavar="FILE",
                   help="inputs to measure (and refit) on: CSV or .npy, one column per input "
                        "(default: points sampled in the box)")
    c.add_argument("--samples", type=lambda s: _int(s, 1), default=2000,
                   help="points sampled in the box without --data (default 2000)")
    c.add_argument("--seed", type=lambda s: _int(s, 0), default=0)
    c.add_argument("--name", help="the model's name in the report")
    c.add_argument("--format", "-f", choices=["text", "latex", "json"], default="text")
    c.add_argument("--digits", type=lambda s: _int(s, 1), help="LaTeX: significant digits")
    c.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of stdout")
    c.add_argument("--activations", metavar="A1,A2,...",
                   help="torch state files (and unnamed NN2Poly lists): one activation per "
                        "Linear layer, or one name for the hidden layers")
    conv = c.add_mutually_exclusive_group()
    conv.add_argument("--exact", action="store_true",
                      help="convert float weights to their exact binary values")
    conv.add_argument("--rationalize", type=lambda s: _int(s, 1), metavar="K",
                      help="round float weights to the nearest k/K")
    add_trust_pickle(c)
    c.add_argument("--quiet", action="store_true", help="no summary line on stderr")
    c.set_defaults(func=cmd_compress, read_model=read_model or _no_reader)


def _no_reader(args):
    raise ArgumentError("symnet compress was registered without a model reader")

"""``symnet regions MODEL``: the exact linear regions of a saved relu-family model.

    symnet regions net.json --box=-1,1                   every input in [-1, 1]
    symnet regions net.json --box "0,1;-2,2" -f latex    per input; a cases environment
    symnet regions net.json -f json -o complex.json      the polyhedral complex
    symnet regions net.json -f csv --merged              one row per linear piece

The command registers itself through :func:`add_parser`; the model is read by
the command line's model reader (passed in by ``symnet.cli``).

Examples
--------
>>> import argparse
>>> from symnet.pwl.cli import add_parser
>>> ap = argparse.ArgumentParser(); sub = ap.add_subparsers()
>>> p = add_parser(sub, argparse.ArgumentParser(add_help=False))
>>> ap.parse_args(["regions", "m.json", "--box=-1,1", "-f", "csv"]).format
'csv'
"""

from __future__ import annotations

import sys
import time

from ..cli_args import add_trust_pickle, box_text, positive_int
from ..errors import ArgumentError

__all__ = ["add_parser", "cmd_regions"]


def cmd_regions(args, out):
    """Run ``symnet regions`` (returns the exit code).

    Examples
    --------
    >>> import os, tempfile
    >>> from symnet import Network, save_network
    >>> from symnet.cli import main
    >>> path = os.path.join(tempfile.mkdtemp(), "n.json")
    >>> save_network(Network.dense([[[1]], [[1]]], activations=["relu", "identity"]), path)
    >>> main(["regions", path, "--box=-1,1", "-f", "csv", "--quiet"])
    region,pattern,M1_x1,c1,point_x1
    0,0,0,0,-1/2
    1,1,1,0,1/2
    0
    """
    import symnet

    read = getattr(args, "read_model", None)
    if read is None:  # pragma: no cover - symnet.cli always passes its reader
        raise ArgumentError("symnet regions needs the command line's model reader")
    net, kind = read(args)
    box = None if args.box is None else box_text(args.box, net.n_inputs)
    t0 = time.monotonic()
    pw = symnet.piecewise(net, box=box, max_regions=args.max_regions, method=args.method)
    if args.merged:
        pw = pw.merged()
    dt = time.monotonic() - t0
    if not args.quiet:
        sys.stderr.write(f"symnet: {kind} {args.model}: {net!r}; {len(pw)} "
                         f"{'pieces' if args.merged else 'regions'} on {pw._box!r} "
                         f"({pw.method} engine), {dt:.2f} s\n")
    fmt = args.format
    if fmt == "latex":
        import sympy
        text = sympy.latex(pw) + "\n"
    elif fmt == "json":
        text = pw.to_json(indent=1) + "\n"
    elif fmt == "csv":
        text = pw.to_csv()
    else:
        import sympy
        text = sympy.sstr(pw).replace("\n  ... (", "\n  ... (") + "\n"
        if args.all:
            from .printing import sympystr
            text = sympystr(pw, sympy.StrPrinter(), limit=len(pw)) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        out.write(text)
    return 0


def add_parser(sub, common, read_model=None):
    """Add ``regions`` to the ``symnet`` subcommands (``read_model(args) -> (net, kind)``).

    Examples
    --------
    >>> import argparse
    >>> ap = argparse.ArgumentParser(); sub = ap.add_subparsers()
    >>> add_parser(sub, argparse.ArgumentParser(add_help=False)).prog.endswith("regions")
    True
    """
    r = sub.add_parser(
        "regions", parents=[common], help="the exact linear regions of a relu-family model",
        description="Enumerate the linear regions of MODEL (relu, leaky_relu, hardtanh, "
                    "identity activations) exactly: activation patterns, affine maps, "
                    "inequalities. Float weights are taken at their exact binary value. The "
                    "result goes to stdout (or --out), a summary line to stderr.")
    r.add_argument("model", metavar="MODEL", help="model file")
    r.add_argument("--box", metavar="LO,HI[;LO,HI...]",
                   help="the domain: one 'lo,hi' for every input or one pair per input "
                        "(exact numbers such as -1/2; write --box=-1,1 when lo is negative); "
                        "default all of R^n")
    r.add_argument("--format", "-f", choices=["text", "latex", "json", "csv"], default="text",
                   help="text (default), latex (a cases environment), json (the complex) or "
                        "csv (one row per region)")
    r.add_argument("--merged", action="store_true",
                   help="merge adjacent regions with the same affine map (the pieces)")
    r.add_argument("--max-regions", type=positive_int, default=100_000, metavar="N",
                   help="stop with an estimate beyond N regions (default 100000)")
    r.add_argument("--method", choices=["auto", "vertex", "lp"], default="auto",
                   help="region engine (default: vertex up to 5 inputs, else lp)")
    r.add_argument("--activations", metavar="A1,A2,...",
                   help="torch state files: one activation per Linear layer")
    r.add_argument("--rationalize", type=positive_int, metavar="K",
                   help="round float weights to the nearest k/K first")
    add_trust_pickle(r)
    r.add_argument("--all", action="store_true", help="text: list every region")
    r.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of stdout")
    r.add_argument("--quiet", action="store_true", help="no summary line on stderr")
    r.set_defaults(func=cmd_regions, read_model=read_model, exact=False)
    return r

"""The ``symnet`` command line (also ``python -m symnet``).

    symnet demo                                   the main job on a built-in example network
    symnet expand MODEL --order 3 [--format F]    a saved model's polynomial
    symnet pde "EXPR" --tree "((x,y),z)"          check the PDE constraints of an architecture
    symnet pde --ridges 2 --vars x,y              print the constraints themselves
    symnet regions MODEL --box=-1,1 [-f F]        exact linear regions of a relu model
    symnet info [MODEL]                           versions; with MODEL, a summary of the model
    symnet --version                              the version

``MODEL`` is a symnet network file (``symnet.save_network``), an NN2Poly
weight file (JSON: one ``(n_in + 1) x n_out`` matrix per layer, row 0 the
bias, named by activation) or a torch state file
(``torch.save(model.state_dict(), path)`` of a Sequential of Linear layers;
give the activations with ``--activations tanh,identity``; it is read with
``weights_only=True``).

Work longer than about a second shows a progress indicator on stderr (when
stderr is a terminal, or always with ``--progress``).  Errors are one line
on stderr and exit code 1, usage errors (a missing argument, an option that
does not apply to the model or the output format) included; ``--debug``
shows the traceback.  ``symnet pde`` exits with 0 when the constraints hold,
3 when they fail and 4 when it could not decide.

Examples
--------
>>> from symnet.cli import main
>>> main(["pde", "exp(x*y) + z", "--tree", "((x,y),z)", "--quiet"])
0
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

from symnet.cli_args import add_trust_pickle, nonnegative_int, point_text, positive_int
from symnet.errors import ArgumentError

__all__ = ["main", "build_parser"]

#: seconds of work before the progress indicator appears
PROGRESS_DELAY = 1.0


# ---------------------------------------------------------------------------
# progress
# ---------------------------------------------------------------------------

class _Progress:
    """An indeterminate progress bar with elapsed time, drawn on stderr after a delay."""

    WIDTH = 24

    def __init__(self, label, stream=None, enabled=None, delay=None):
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = getattr(self.stream, "isatty", lambda: False)()
        self.enabled = enabled
        self.delay = PROGRESS_DELAY if delay is None else delay
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._drawn = False
        self._thread = None

    def _frame(self, k, elapsed):
        w = self.WIDTH
        pos = k % (2 * (w - 3))
        pos = pos if pos < w - 3 else 2 * (w - 3) - pos
        bar = " " * pos + "<=>" + " " * (w - 3 - pos)
        return f"\rsymnet: {self.label} [{bar}] {elapsed:5.1f} s"

    def _draw(self, k):
        with self._lock:
            if self._done.is_set():
                return
            self.stream.write(self._frame(k, time.monotonic() - self._t0))
            self.stream.flush()
            self._drawn = True

    def _run(self):
        if self._done.wait(self.delay):
            return
        k = 1
        while not self._done.wait(0.1):
            self._draw(k)
            k += 1

    def __enter__(self):
        self._t0 = time.monotonic()
        if self.enabled:
            if self.delay <= 0:
                self._draw(0)
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self._drawn:
                elapsed = time.monotonic() - self._t0
                line = f"symnet: {self.label}: {'done' if exc[0] is None else 'stopped'} " \
                       f"in {elapsed:.1f} s"
                pad = max(0, len(self._frame(0, elapsed)) - len(line) - 1)
                self.stream.write("\r" + line + " " * pad + "\n")
                self.stream.flush()
        return False


def _progress(args, label):
    return _Progress(label, enabled=getattr(args, "progress", None))


# ---------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------

def _demo_network():
    import sympy

    from symnet import Network

    R = sympy.Rational
    W1 = [[R(1, 2), R(-1, 4)], [R(1, 4), R(3, 4)], [R(-1, 2), R(1, 8)]]
    b1 = [R(1, 8), 0, R(-1, 4)]
    W2 = [[1, R(-1, 2), R(3, 4)]]
    return Network.dense([W1, W2], [b1, [R(1, 16)]], activations=["tanh", "identity"])


def cmd_demo(args, out):
    import numpy as np
    import sympy

    import symnet

    net = _demo_network()
    order = args.order
    out.write("symnet demo: a 2-3-1 tanh network with exact weights\n\n")
    out.write(sympy.sstr(net) + "\n\n")
    with _progress(args, f"expanding at order {order}"):
        p = symnet.expand(net, order)
    out.write(f"Its polynomial (series mode, order {order}, domain {p.domain}):\n")
    out.write(f"  {p}\n\n")
    terms = sorted(p.terms().items(), key=lambda kv: -abs(float(kv[1])))[:args.top]
    out.write(f"Top {len(terms)} coefficients by magnitude (NN2Poly label, monomial, "
              "exact, float):\n")
    for e, c in terms:
        mono = sympy.sstr(p.monomial(e))
        out.write(f"  {symnet.nn2poly_label(e):>7}  {mono:>12}  {sympy.sstr(c):>14}  "
                  f"~ {float(c): .6f}\n")
    rng = np.random.RandomState(0)
    X = rng.uniform(-0.5, 0.5, size=(1000, net.n_inputs))
    err = np.abs(p(X) - net(X)[:, 0])
    out.write(f"\nError |net(x) - p(x)| on 1000 points in [-1/2, 1/2]^2: max {err.max():.2e}, "
              f"mean {err.mean():.2e}\n\n")
    out.write("LaTeX (symnet.latex):\n" + symnet.latex(p) + "\n")
    x1, x2 = net.inputs
    with _progress(args, "checking the PDE constraints"):
        res = symnet.check_pde(net, symnet.RidgeSum(3, (x1, x2)))
    out.write("\nPDE check: is the network a sum of 3 ridge functions of (x1, x2)?\n")
    out.write("  " + str(res).replace("\n", "\n  ") + "\n")
    return 0


# ---------------------------------------------------------------------------
# expand
# ---------------------------------------------------------------------------

def _read_model(args):
    """Load MODEL, detecting its kind; returns (network, description).

    A symnet network file, an NN2Poly weight file (JSON), a torch state file,
    an ONNX model (``.onnx``), a Keras 3 ``.keras`` file, or -- only with
    ``--trust-pickle`` -- a pickled (or joblib) scikit-learn model.  Warnings
    raised while reading are shown as one line each, without file paths.
    """
    import warnings
    import zipfile

    import symnet
    from symnet._validate import regular_file
    from symnet.errors import FormatError
    from symnet.io.formats import read_json

    path = args.model
    # no FIFO, device or file beyond memory (a pickle takes some 10 times its size)
    regular_file(path, "a model file", 10)
    with open(path, "rb") as f:
        head = f.read(8)
    suffix = os.path.splitext(path)[1].lower()
    exact, rationalize = args.exact, args.rationalize

    def sklearn_pickle():
        """Does the pickle name scikit-learn classes?  Read opcode by opcode, never run."""
        import pickletools

        try:
            with open(path, "rb") as f:
                for op, arg, _ in pickletools.genops(f):
                    if isinstance(arg, str) and arg.startswith(("sklearn", "joblib")):
                        return True
        except Exception:  # noqa: BLE001 - not a pickle we can read: not ours to judge
            return False
        return False

    def load():
        if suffix == ".onnx":
            return symnet.from_onnx(path, exact=exact), "ONNX model"
        keras = suffix == ".keras"
        if not keras and head.startswith(b"PK\x03\x04"):       # a zip: Keras or torch?
            try:
                with zipfile.ZipFile(path) as zf:
                    keras = "config.json" in zf.namelist()
            except (zipfile.BadZipFile, OSError, EOFError):
                pass
        if keras:
            return symnet.from_keras(path, exact=exact), "Keras model"
        pickled = head[:1] == b"\x80" or suffix in (".pkl", ".pickle", ".joblib")
        if pickled and (suffix in (".pkl", ".pickle", ".joblib") or sklearn_pickle()):
            if not getattr(args, "trust_pickle", False):
                raise ArgumentError(
                    f"{path} is a pickle (a scikit-learn model?); unpickling runs code stored "
                    "in the file, so symnet reads pickles only with --trust-pickle (pass it "
                    "only for files you trust)")
            if suffix == ".joblib" or not head.startswith(b"\x80"):
                import joblib
                model = joblib.load(path)
            else:
                import pickle
                with open(path, "rb") as f:
                    model = pickle.load(f)
            return symnet.from_sklearn(model, exact=exact), "scikit-learn model"
        if head.startswith(b"PK\x03\x04") or head[:1] == b"\x80":   # torch.save: zip or pickle
            if args.activations is None:
                raise ArgumentError(
                    f"{path} is a torch state file, which holds no activations; pass "
                    "--activations (one per Linear layer, e.g. --activations tanh,identity, or "
                    "one name for the hidden layers)")
            net = symnet.load_torch(path, activations=args.activations, exact=exact,
                                    rationalize=rationalize)
            return net, "torch state file"
        return None, None

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
        net, kind = load()
    for w in caught:   # the message only: warnings.showwarning would print the source path
        msg = _strip_paths(" ".join(str(w.message).split()), keep=path)
        sys.stderr.write(f"symnet: warning: {w.category.__name__}: {msg[:300]}\n")
    if net is not None:
        if kind != "torch state file" and args.activations is not None:
            raise ArgumentError(f"--activations does not apply to {path}: an {kind} holds its "
                                "activations (--activations is for torch state files and "
                                "unnamed NN2Poly lists)")
        if kind != "torch state file" and rationalize is not None:
            net = _convert_floats(net, False, rationalize)
        if net.metadata.get("output_activation") == "softmax":
            kind += " (outputs are the logits: the model applies softmax)"
        return net, kind
    try:
        doc = read_json(path)
    except FormatError as e:
        if "not valid JSON" not in str(e) and "not a text" not in str(e):
            raise
        raise FormatError(f"{path}: not a symnet network file, an NN2Poly weight file (JSON), "
                          "a torch state file, an ONNX (.onnx) or Keras (.keras) model") from None
    if isinstance(doc, dict) and doc.get("format") == "symnet-network":
        if args.activations is not None:
            raise ArgumentError(
                f"--activations does not apply to {path}: a symnet network file holds its "
                "activations (--activations is for torch state files and unnamed NN2Poly lists)")
        net = symnet.load_network(path)
        kind = "symnet network file"
    elif isinstance(doc, dict) and doc.get("format") == "symnet-polynomial":
        raise FormatError(f"{path} holds a polynomial, not a network; nothing to expand")
    else:
        acts = args.activations.split(",") if args.activations else None
        net = symnet.from_nn2poly(path, activations=acts)
        kind = "NN2Poly weight file"
    if args.exact or args.rationalize is not None:
        net = _convert_floats(net, args.exact, args.rationalize)
    return net, kind


def _convert_floats(net, exact, rationalize):
    if exact and rationalize is not None:
        raise ArgumentError("pass either --exact or --rationalize K, not both")
    if rationalize is not None:
        return net.rationalize(rationalize)
    return net.rationalize() if exact else net


def _check_format_options(args, fmt):
    """Options that only apply to some output formats: refused elsewhere (a usage error)."""
    applies = {"digits": ("latex", "table"), "standalone": ("latex",),
               "all_monomials": ("csv",), "top": ("table",)}
    if args.standalone:
        applies["top"] = ("table", "latex")
    for opt, fmts in applies.items():
        value = getattr(args, opt)
        if value not in (None, False) and fmt not in fmts:
            flag = "--" + opt.replace("_", "-")
            raise ArgumentError(f"{flag} does not apply to the {fmt} format (it is for "
                                f"{' and '.join('-f ' + f for f in fmts)})")


def cmd_expand(args, out):
    import symnet

    fmt = args.format
    if fmt is None:
        suffix = os.path.splitext(args.out)[1].lower() if args.out else ""
        fmt = {".json": "json", ".csv": "csv", ".tex": "latex"}.get(suffix, "text")
    _check_format_options(args, fmt)
    if args.mode == "taylor" and args.series_degree is not None:
        raise ArgumentError("--series-degree is only for --mode series")
    if args.mode == "series" and args.at is not None:
        raise ArgumentError("--at is only for --mode taylor")
    net, kind = _read_model(args)
    kw = dict(mode=args.mode)
    if args.domain:
        kw["domain"] = args.domain
    if args.mode == "taylor":
        if args.series_degree is not None:
            raise ArgumentError("--series-degree is only for --mode series")
        if args.at is not None:
            kw["at"] = point_text(args.at, net.n_inputs)
    else:
        if args.at is not None:
            raise ArgumentError("--at is only for --mode taylor")
        if args.series_degree is not None:
            kw["series_degree"] = args.series_degree
    t0 = time.monotonic()
    with _progress(args, f"expanding at order {args.order}"):
        p = symnet.expand(net, args.order, **kw)
    dt = time.monotonic() - t0
    polys = p if isinstance(p, tuple) else (p,)
    if not args.quiet:
        terms = sum(q.nterms for q in polys)
        sys.stderr.write(f"symnet: {kind} {args.model}: {net!r}; {args.mode} mode, order "
                         f"{args.order}: {terms} terms, domain {polys[0].domain}, "
                         f"{dt:.2f} s\n")
    if fmt == "text":
        if len(polys) == 1:
            text = str(polys[0]) + "\n"
        else:
            text = "".join(f"y{k + 1} = {q}\n" for k, q in enumerate(polys))
    elif fmt == "latex":
        text = symnet.latex(p, digits=args.digits) + "\n"
        if args.standalone:
            text = symnet.latex_document(text, symnet.coefficient_table(
                p, top=args.top or 20, digits=args.digits))
    elif fmt == "table":
        text = symnet.coefficient_table(p, top=args.top or 20, digits=args.digits) + "\n"
    else:
        text = symnet.export_polynomial(p, fmt, all_monomials=args.all_monomials)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        out.write(text)
    return 0


# ---------------------------------------------------------------------------
# pde
# ---------------------------------------------------------------------------

def cmd_pde(args, out):
    import sympy

    import symnet
    from symnet._validate import as_symbols, parse_expr
    from symnet.errors import ArgumentError

    if args.ridges is not None:
        # refuse an m too large before anything else, with the estimate (the names are placeholders)
        symnet.RidgeSum(args.ridges, ("x", "y"))
    expr = parse_expr(args.expr, "EXPR") if args.expr is not None else None
    variables = as_symbols(args.vars, "--vars") if args.vars else None
    if variables is None and expr is not None and (args.neuron or args.ridges is not None):
        variables = tuple(sorted(expr.free_symbols, key=lambda s: s.name))
    if args.tree is not None:
        arch = symnet.Tree(args.tree)
        if variables is not None:
            leaves = {x.name: x for x in arch.inputs}
            if sorted(v.name for v in variables) != sorted(leaves):
                raise ArgumentError(
                    f"--vars {args.vars!r} must name the leaves of the tree {arch}: expected "
                    f"{', '.join(leaves)} (in any order), got {', '.join(v.name for v in variables)}")
            variables = tuple(leaves[v.name] for v in variables)
    elif args.neuron:
        if not variables:
            raise ArgumentError("--neuron needs the inputs: give EXPR or --vars x,y,z")
        arch = symnet.Neuron(variables)
    else:
        if not variables:
            raise ArgumentError("--ridges needs the two inputs: give EXPR or --vars x,y")
        arch = symnet.RidgeSum(args.ridges, variables)
    if expr is None or args.constraints:
        cons = symnet.pde_constraints(arch, reduced=args.reduced)
        conds = symnet.nonsingularity_conditions(arch)
        if args.format == "latex":
            out.write(symnet.latex(cons) + "\n")
            if conds:
                out.write(symnet.latex(conds, environment="align*") + "\n")
        else:
            out.write(f"{len(cons)} PDE constraint(s) of {sympy.sstr(arch)} on F{tuple(arch.inputs)}:\n")
            for c in cons:
                out.write(f"  {c}\n")
            if conds:
                out.write("sufficient where:\n")
                for c in conds:
                    out.write(f"  {c}\n")
        if expr is None:
            return 0
    kw = {"timeout": args.timeout}
    if args.point is not None:
        order = variables if variables is not None else arch.inputs
        kw["point"] = dict(zip(order, point_text(args.point, len(order), "--point")))
    with _progress(args, "checking the PDE constraints"):
        res = symnet.check_pde(expr, arch, **kw)
    if not args.quiet:
        if args.format == "latex":
            out.write(symnet.latex(symnet.pde_constraints(arch)) + "\n")
        out.write(str(res) + "\n")
    return {True: 0, False: 3, None: 4}[res.satisfied]


# ---------------------------------------------------------------------------
# info
# ---------------------------------------------------------------------------

def _model_summary(net, kind, path):
    """Lines describing a model: kind, inputs, layers, parameters, weights, metadata."""
    inputs = ", ".join(s.name for s in net.inputs)
    if len(inputs) > 60:
        inputs = inputs[:57] + "..."
    layers = [str(net.n_inputs)]
    for s in net.stages():
        names = sorted({a.name for a in s.activations})
        layers.append(f"{len(s.nodes)} {'/'.join(names)}")
    if net.is_symbolic:
        syms = sorted(str(w) for w in net.free_symbols)
        weights = f"symbolic ({len(syms)} symbols: {', '.join(syms[:6])}" + \
            (", ...)" if len(syms) > 6 else ")")
    elif net.has_floats:
        weights = "float64 (expand gives float coefficients; --exact or --rationalize K " \
                  "for exact ones)"
    else:
        weights = "exact (expand gives exact coefficients)"
    lines = [("file", path), ("kind", kind),
             ("inputs", f"{net.n_inputs} ({inputs})"),
             ("layers", " -> ".join(layers)),
             ("neurons", str(len(net.neurons))),
             ("parameters", f"{net.n_parameters:,}"),
             ("weights", weights),
             ("outputs", str(net.n_outputs))]
    meta = net.metadata
    if meta.get("output_activation") == "softmax":
        lines.append(("softmax", "the model applies softmax to these outputs (the logits); "
                                 "class probabilities are softmax(net(X))"))
    for k, v in sorted(meta.items()):
        text = " ".join(str(v).split())
        lines.append((f"meta {k}", text if len(text) <= 70 else text[:67] + "..."))
    return "".join(f"{k:<13} {v}\n" for k, v in lines)


def cmd_info(args, out):
    if args.model is not None:
        args.exact, args.rationalize = False, None
        net, kind = _read_model(args)
        out.write(_model_summary(net, kind, args.model))
        return 0
    import platform

    import mpmath
    import networkx
    import numpy
    import sympy
    from sympy.external.gmpy import GROUND_TYPES

    import symnet

    try:
        import flint
        flint_version = flint.__version__
    except ImportError:  # pragma: no cover
        flint_version = "not installed"
    out.write(f"symnet        {symnet.__version__}\n")
    out.write(f"python        {platform.python_version()}\n")
    out.write(f"sympy         {sympy.__version__} (ground types: {GROUND_TYPES})\n")
    out.write(f"python-flint  {flint_version}\n")
    out.write(f"mpmath        {mpmath.__version__}\n")
    out.write(f"networkx      {networkx.__version__}\n")
    out.write(f"numpy         {numpy.__version__}\n")
    from importlib import metadata

    for opt in ("torch", "matplotlib", "hypothesis", "nbclient"):
        try:  # the installed version, without importing the package (torch is slow to import)
            out.write(f"{opt:<13} {metadata.version(opt)}\n")
        except metadata.PackageNotFoundError:
            out.write(f"{opt:<13} not installed (optional)\n")
    return 0


# ---------------------------------------------------------------------------
# the parser
# ---------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as one line on stderr and exit code 1 (as every error)."""

    def error(self, message):
        msg = " ".join(str(message).split())
        self.exit(1, f"{self.prog}: error: {msg} (see '{self.prog} --help')\n")


def build_parser():
    """The argparse parser of the ``symnet`` command.

    Examples
    --------
    >>> from symnet.cli import build_parser
    >>> args = build_parser().parse_args(["expand", "net.json", "--order", "4", "-f", "csv"])
    >>> args.model, args.order, args.format, args.mode
    ('net.json', 4, 'csv', 'series')
    """
    common = _Parser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the traceback on errors")
    prog = common.add_mutually_exclusive_group()
    prog.add_argument("--progress", action="store_true", default=argparse.SUPPRESS,
                      help="always show the progress indicator on stderr")
    prog.add_argument("--no-progress", dest="progress", action="store_false",
                      default=argparse.SUPPRESS, help="never show it")
    ap = _Parser(
        prog="symnet", parents=[common],
        description="Neural networks as exact algebra: polynomials and PDE constraints.",
        epilog="Run 'symnet COMMAND --help' for a command's options.")
    ap.add_argument("--version", action="version", version=f"symnet {_version()}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    d = sub.add_parser("demo", parents=[common],
                       help="expand a built-in example network and explain it")
    d.add_argument("--order", type=nonnegative_int, default=3, help="expansion order (default 3)")
    d.add_argument("--top", type=positive_int, default=8, help="coefficients to list")
    d.set_defaults(func=cmd_demo)

    e = sub.add_parser(
        "expand", parents=[common], help="the polynomial of a saved model",
        description="Expand MODEL (a symnet network JSON, an NN2Poly weight JSON, a torch "
                    "state file, an ONNX model (.onnx), a Keras model (.keras), or with "
                    "--trust-pickle a pickled scikit-learn model) into its polynomial. The "
                    "polynomial goes to stdout (or --out); a one-line summary goes to stderr.")
    e.add_argument("model", metavar="MODEL", help="model file")
    e.add_argument("--order", "-q", type=nonnegative_int, default=3, help="total degree (default 3)")
    e.add_argument("--mode", choices=["series", "taylor"], default="series",
                   help="series: NN2Poly's polynomial (default); taylor: the exact Taylor "
                        "polynomial at --at")
    e.add_argument("--at", metavar="POINT", help="taylor mode: the point, e.g. '0,1/2,0' "
                                                 "(default the origin)")
    e.add_argument("--series-degree", type=nonnegative_int, metavar="Q",
                   help="series mode: degree of each activation's series (default --order)")
    e.add_argument("--domain", choices=["QQ", "RR"],
                   help="coefficients: QQ exact, RR float64 (default: exact for exact weights, "
                        "float for float weights)")
    e.add_argument("--format", "-f", choices=["text", "latex", "json", "csv", "table"],
                   help="output format (default from --out's suffix, else text); table: a "
                        "booktabs coefficient table")
    e.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of stdout")
    e.add_argument("--activations", metavar="A1,A2,...",
                   help="torch state files (and unnamed NN2Poly lists): one activation per "
                        "Linear layer, or one name for the hidden layers")
    conv = e.add_mutually_exclusive_group()
    conv.add_argument("--exact", action="store_true",
                      help="convert float weights to their exact binary values")
    conv.add_argument("--rationalize", type=positive_int, metavar="K",
                      help="round float weights to the nearest k/K (e.g. 64)")
    add_trust_pickle(e)
    e.add_argument("--top", type=positive_int,
                   help="rows of the coefficient table (default 20)")
    e.add_argument("--digits", type=positive_int, help="LaTeX: significant digits of floats")
    e.add_argument("--standalone", action="store_true",
                   help="LaTeX: a complete document (polynomial and coefficient table)")
    e.add_argument("--all-monomials", action="store_true",
                   help="CSV: every monomial up to the order, zeros included (as NN2Poly)")
    e.add_argument("--quiet", action="store_true", help="no summary line on stderr")
    e.set_defaults(func=cmd_expand)

    p = sub.add_parser(
        "pde", parents=[common], help="PDE constraints of a tree, a neuron or a ridge sum",
        description="Check whether EXPR satisfies the PDE constraints of an architecture, or "
                    "print the constraints when EXPR is omitted. EXPR uses + - * / ** and "
                    "sqrt, exp, log, sin, cos, tan, tanh, sinh, cosh, atan, erf, pi, E (it is "
                    "parsed, never evaluated). Exit code: 0 satisfied, 3 not satisfied, "
                    "4 undecided.")
    p.add_argument("expr", metavar="EXPR", nargs="?", help="a function of the inputs")
    arch = p.add_mutually_exclusive_group(required=True)
    arch.add_argument("--tree", metavar="SPEC", help="a tree such as '((x,y),z)'")
    arch.add_argument("--neuron", action="store_true",
                      help="a single neuron sigma(w.x + b) of the inputs")
    arch.add_argument("--ridges", type=positive_int, metavar="M",
                      help="a sum of M ridge functions of two inputs")
    p.add_argument("--vars", metavar="X,Y,...",
                   help="inputs for --neuron/--ridges (default: EXPR's symbols, sorted); with "
                        "--tree they must name its leaves, and give the order of --point")
    p.add_argument("--point", metavar="POINT",
                   help="where to check non-singularity: one number per input, in the order of "
                        "--vars (default: the inputs' order)")
    p.add_argument("--timeout", type=float, default=5.0,
                   help="seconds per exact proof (default 5)")
    p.add_argument("--constraints", action="store_true", help="also print the constraints")
    p.add_argument("--reduced", action="store_true",
                   help="the reduced (smaller, equivalent where non-singular) set")
    p.add_argument("--format", "-f", choices=["text", "latex"], default="text")
    p.add_argument("--quiet", action="store_true", help="only the exit code")
    p.set_defaults(func=cmd_pde)

    from .fit.cli import add_parser as _add_fit_parser
    _add_fit_parser(sub, common)
    from symnet.pwl.cli import add_parser as _add_regions
    _add_regions(sub, common, read_model=_read_model)

    i = sub.add_parser("info", parents=[common],
                       help="versions and sympy's ground types, or a model's summary",
                       description="Without MODEL: the versions of symnet and its dependencies. "
                                   "With MODEL (any file 'symnet expand' reads): its kind, "
                                   "inputs, layers, parameters, weights and metadata.")
    i.add_argument("model", metavar="MODEL", nargs="?", help="a model file (optional)")
    i.add_argument("--activations", metavar="A1,A2,...",
                   help="torch state files: one activation per Linear layer")
    add_trust_pickle(i)
    i.set_defaults(func=cmd_info)

    from .approximation.cli import add_parser as add_compress
    add_compress(sub, common, read_model=_read_model)
    return ap


def _one_line(e):
    msg = str(e).strip()
    if isinstance(e, KeyError) and msg.startswith(("'", '"')) and msg.endswith(("'", '"')):
        msg = msg[1:-1]
    if isinstance(e, OSError) and e.filename and e.strerror:
        msg = f"{e.filename}: {e.strerror}"
    msg = " ".join(msg.split())
    return msg or type(e).__name__


def main(argv=None):
    """Run the command line; returns the exit code.

    Examples
    --------
    >>> from symnet.cli import main
    >>> main(["info"])  # doctest: +ELLIPSIS
    symnet        ...
    0
    >>> main(["--version"])  # doctest: +ELLIPSIS
    symnet ...
    0
    """
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:   # --help, --version (0) and usage errors (1, one line)
        return e.code if isinstance(e.code, int) else 1
    debug = getattr(args, "debug", False)
    try:
        return args.func(args, sys.stdout)
    except KeyboardInterrupt:  # pragma: no cover
        sys.stderr.write("symnet: interrupted\n")
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. `symnet expand ... | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except Exception as e:  # one line, unless --debug
        if debug:
            raise
        msg = _strip_paths(_one_line(e), getattr(args, "model", None))
        sys.stderr.write(f"symnet: error: {msg}\n")
        return 1


def _version():
    from symnet import __version__
    return __version__


def _strip_paths(msg, keep=None):
    """The message without absolute paths into Python's installation (torch's sources, ...).

    The user's own file (``keep``) stays as given.
    """
    import re
    import sysconfig

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    for key in ("purelib", "platlib", "stdlib"):
        try:
            roots.add(sysconfig.get_paths()[key])
        except KeyError:  # pragma: no cover
            pass
    home = os.path.expanduser("~")

    def short(m):
        p = m.group(0)
        if keep and p == keep:
            return p
        if any(p.startswith(r.rstrip(os.sep) + os.sep) for r in roots if r) or \
                (home and p.startswith(home + os.sep) and "site-packages" in p):
            return os.path.basename(p.rstrip(os.sep)) or p
        return p

    return re.sub(r"(?<![\w.])/[^\s'\"():,]+", short, msg)

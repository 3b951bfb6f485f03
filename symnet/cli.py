"""The ``symnet`` command line.

    symnet demo                      the main job on a built-in example network
    symnet expand MODEL --order 3    expand a saved network
    symnet info                      versions and sympy's ground types

Errors are one line on stderr and a non-zero exit code (``--debug`` shows
the traceback).
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]


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
    p = symnet.expand(net, order)
    out.write(f"Its polynomial (series mode, order {order}, domain {p.domain}):\n")
    out.write(f"  {p}\n\n")
    terms = sorted(p.terms().items(), key=lambda kv: -abs(float(kv[1])))[:args.top]
    out.write(f"Top {len(terms)} coefficients by magnitude:\n")
    for e, c in terms:
        mono = sympy.sstr(p._mono_expr(e)) if any(e) else "1"
        out.write(f"  {mono:>12}  {sympy.sstr(c):>14}  ~ {float(c): .6f}\n")
    rng = np.random.RandomState(0)
    X = rng.uniform(-0.5, 0.5, size=(1000, net.n_inputs))
    err = np.abs(p(X) - net(X)[:, 0])
    out.write(f"\nError |net(x) - p(x)| on 1000 points in [-1/2, 1/2]^2: max {err.max():.2e}, "
              f"mean {err.mean():.2e}\n\n")
    out.write("LaTeX:\n  " + sympy.latex(p) + "\n")
    try:
        from symnet import RidgeSum, check_pde  # noqa: F401
    except ImportError:
        return 0
    x1, x2 = net.inputs
    res = check_pde(net.expr(), RidgeSum(3, (x1, x2)))
    out.write("\nPDE check: is the network a sum of 3 ridge functions of (x1, x2)?\n")
    out.write("  " + str(res).replace("\n", "\n  ") + "\n")
    return 0


def cmd_info(args, out):
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
    for opt in ("torch", "matplotlib", "hypothesis"):
        try:
            mod = __import__(opt)
            out.write(f"{opt:<13} {getattr(mod, '__version__', '?')}\n")
        except ImportError:
            out.write(f"{opt:<13} not installed (optional)\n")
    return 0


def build_parser():
    ap = argparse.ArgumentParser(prog="symnet", description="Neural networks as exact algebra.")
    ap.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="expand a built-in example network and explain it")
    d.add_argument("--order", type=int, default=3)
    d.add_argument("--top", type=int, default=8)
    d.set_defaults(func=cmd_demo)
    i = sub.add_parser("info", help="versions and sympy's ground types")
    i.set_defaults(func=cmd_info)
    return ap


def main(argv=None):
    ap = build_parser()
    args = ap.parse_args(argv)
    try:
        return args.func(args, sys.stdout)
    except Exception as e:  # one line, unless --debug
        if args.debug:
            raise
        sys.stderr.write(f"symnet: error: {e}\n")
        return 1
    except KeyboardInterrupt:  # pragma: no cover
        sys.stderr.write("symnet: interrupted\n")
        return 130

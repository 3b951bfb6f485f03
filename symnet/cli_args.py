"""Command-line argument types shared by ``symnet`` and its subcommand modules.

Every number typed on the command line is parsed here, safely (never
evaluated): counts and orders for ``argparse``'s ``type=``, and the exact
boxes (``--box=-1,1/2``) and points (``--at 0.1,1/3``) that the commands turn
into their arguments.

Examples
--------
>>> from symnet.cli_args import box_text, positive_int
>>> positive_int("8"), box_text("-1,1/2", 2)
(8, [(-1, 1/2), (-1, 1/2)])
"""

from __future__ import annotations

import argparse

from .errors import ArgumentError, BoxError, WeightError

__all__ = ["positive_int", "nonnegative_int", "order_at_most", "box_text", "point_text",
           "add_trust_pickle"]


def _int(text, what, minimum=None, maximum=None):
    try:
        v = int(text.strip())
    except ValueError:
        v = None
    if v is None or (minimum is not None and v < minimum) or (maximum is not None and v > maximum):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return v


def positive_int(text):
    """An ``argparse`` type: an integer >= 1.

    Examples
    --------
    >>> from symnet.cli_args import positive_int
    >>> positive_int(" 3 ")
    3
    >>> positive_int("0")
    Traceback (most recent call last):
        ...
    argparse.ArgumentTypeError: expected a positive integer, got '0'
    """
    return _int(text, "a positive integer", 1)


def nonnegative_int(text):
    """An ``argparse`` type: an integer >= 0 (an order, a degree).

    Examples
    --------
    >>> from symnet.cli_args import nonnegative_int
    >>> nonnegative_int("0")
    0
    """
    return _int(text, "a non-negative integer", 0)


def order_at_most(maximum):
    """An ``argparse`` type: an order in ``0..maximum``.

    Examples
    --------
    >>> from symnet.cli_args import order_at_most
    >>> order_at_most(64)("7")
    7
    """
    def order(text):
        return _int(text, f"an order in 0..{maximum}", 0, maximum)
    order.__name__ = "order"   # argparse names the type in its messages
    return order


def box_text(text, n):
    """A box typed as ``lo,hi`` (every input) or ``lo,hi;lo,hi;...`` (one pair per input).

    Numbers are parsed exactly and safely (``1/2``, ``-3``, ``0.25``); brackets
    are allowed (``[-1,1]``, which argparse does not mistake for an option,
    unlike ``-1,1``: write ``--box=-1,1`` or ``--box '[-1,1]'``) and ``lo:hi``
    is read as ``lo,hi``.

    Parameters
    ----------
    text : str
    n : int
        Number of inputs: one pair is repeated for each.

    Returns
    -------
    list of (sympy number, sympy number)

    Raises
    ------
    BoxError
        A pair that is not two numbers, or the wrong number of pairs.

    Examples
    --------
    >>> from symnet.cli_args import box_text
    >>> box_text("[0, 1]; [-2, 2]", 2)
    [(0, 1), (-2, 2)]
    >>> box_text("0,1;2", 2)
    Traceback (most recent call last):
        ...
    symnet.errors.BoxError: --box: expected 'lo,hi', got '2'
    """
    from ._validate import as_exact

    for ch in "[]()":
        text = text.replace(ch, "")
    pairs = [p.strip() for p in text.split(";") if p.strip()]
    if len(pairs) == 1 and n > 1:
        pairs = pairs * n
    if len(pairs) != n:
        raise BoxError(f"--box: the model has {n} inputs: expected one pair 'lo,hi' or {n} "
                       f"pairs separated by ';', got {len(pairs)}")
    out = []
    for p in pairs:
        parts = [s.strip() for s in p.replace(":", ",").split(",")]
        if len(parts) != 2 or not all(parts):
            raise BoxError(f"--box: expected 'lo,hi', got {p!r}")
        try:
            lo, hi = (as_exact(s, "--box") for s in parts)
        except WeightError as e:
            raise BoxError(str(e)) from None
        out.append((lo, hi))
    return out


def point_text(text, n, what="--at"):
    """A point typed as ``v1,v2,...`` (one number per input; one number means all).

    Exact numbers stay exact (``1/3``); a decimal such as ``0.1`` is a float,
    as the user typed it.

    Examples
    --------
    >>> from symnet.cli_args import point_text
    >>> point_text("1/3, 0.5", 2)
    [1/3, 0.5]
    >>> point_text("x", 1)
    Traceback (most recent call last):
        ...
    symnet.errors.ArgumentError: --at: expected numbers, got 'x'
    """
    from ._validate import parse_expr

    parts = [s.strip() for s in text.replace(";", ",").split(",") if s.strip()]
    if len(parts) == 1 and n > 1:
        parts = parts * n
    if len(parts) != n:
        raise ArgumentError(f"{what}: expected {n} comma-separated numbers (one per input), "
                            f"got {len(parts)}")
    vals = []
    for s in parts:
        v = parse_expr(s, what)
        if v.free_symbols:
            raise ArgumentError(f"{what}: expected numbers, got {s!r}")
        vals.append(float(v) if v.is_Float else v)
    return vals


def add_trust_pickle(parser):
    """Add ``--trust-pickle`` to a command that reads models with the shared reader.

    The command line's model reader (``symnet.cli``) refuses a pickled
    scikit-learn model unless ``args.trust_pickle`` is set, and its message
    tells the user to pass this option: every command reading models takes it.

    Examples
    --------
    >>> import argparse
    >>> from symnet.cli_args import add_trust_pickle
    >>> p = argparse.ArgumentParser()
    >>> _ = add_trust_pickle(p)
    >>> p.parse_args(["--trust-pickle"]).trust_pickle, p.parse_args([]).trust_pickle
    (True, False)
    """
    return parser.add_argument(
        "--trust-pickle", action="store_true",
        help="read a pickled (or joblib) scikit-learn model: unpickling runs code stored in "
             "the file, so only for files you trust")

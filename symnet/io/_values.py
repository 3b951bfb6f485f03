"""Shared helpers of the text formats: numbers and expressions as JSON values, files.

Nothing is ever unpickled or evaluated from a file: numbers are parsed with
:class:`fractions.Fraction` and ``float``, names with :class:`sympy.Symbol`,
and the few expressions a file may hold with :func:`symnet._validate.parse_expr`.

Examples
--------
>>> from symnet.io._values import _decode_value, _encode_value
>>> _decode_value("3/8", "x"), _encode_value(_decode_value("3/8", "x"), "x")
(3/8, '3/8')
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
from fractions import Fraction

import sympy
from sympy.printing.str import StrPrinter

from .._validate import FUNCTIONS, MAX_DEC_DIGITS, parse_expr
from ..errors import (ArgumentError, FileError, FormatError, NotSupportedError,
                      UnknownActivationError)


__all__: list[str] = []   # private helpers of the file formats, imported by name within symnet.io


# ---------------------------------------------------------------------------
# printing numbers so that they read back
# ---------------------------------------------------------------------------

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
    if n.bit_length() > 3.3 * MAX_DEC_DIGITS:
        return ("-" if n < 0 else "") + hex(abs(n))
    return str(n)


# ---------------------------------------------------------------------------
# numbers and expressions <-> JSON values
# ---------------------------------------------------------------------------

def _same_value(a, b):
    """True when two exact expressions are equal as numbers (or functions of their symbols).

    The round trip print -> parse keeps the value but not always the structure
    (sympy distributes ``2*(e + 1)`` into ``2*e + 2``), so values are compared:
    structurally, then by ``cancel``, then at random rational points to 50 digits.
    """
    if a == b:
        return True
    d = a - b
    try:
        if d == 0 or sympy.cancel(d) == 0:
            return True
    except (sympy.PolynomialError, TypeError, ValueError, RecursionError):
        pass
    import random

    rng = random.Random(0)
    syms = sorted(d.free_symbols, key=str)
    for _ in range(2):
        pt = {s: sympy.Rational(rng.randint(1, 997), rng.randint(1, 997)) for s in syms}
        try:
            val = sympy.N(d.xreplace(pt), 50)
        except (TypeError, ValueError, ArithmeticError, RecursionError):
            return False
        if not val.is_number or not (abs(val) < sympy.Float("1e-40", 50)):
            return False
    return True


def _encode_value(v, where, constants=None):
    """A weight, bias or coefficient as a JSON value.

    ``constants`` maps names to the named constants (:mod:`symnet.constants`)
    the value may hold; they are written by name.
    """
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
        back = parse_expr(text, where)
    except FormatError:
        back = None
    if back is not None and constants:
        back = back.xreplace({sympy.Symbol(k): c for k, c in constants.items()})
    if back is None or not _same_value(back, v):
        raise NotSupportedError(
            f"{where}: cannot store {v} exactly in the JSON format (it holds integers, "
            "rationals, floats, symbols and expressions built from them with + - * / **, "
            f"pi, E and the functions {', '.join(sorted(FUNCTIONS))})")
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
            if len(s) > MAX_DEC_DIGITS:
                raise FormatError(f"{where}: number with {len(s)} digits; write long integers "
                                  "in hexadecimal (0x...)")
            if "/" in s and int(s.split("/")[1]) == 0:
                raise FormatError(f"{where}: cannot read {v!r}: division by zero")
            f = Fraction(s)
            return sympy.Rational(f.numerator, f.denominator)
        e = parse_expr(s, where)
        if e.is_Float and float_strings:
            return float(e)
        if e.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            raise FormatError(f"{where}: expected a finite value, got {v!r}")
        return e
    raise FormatError(f"{where}: expected a number or a string, got {type(v).__name__}")


def _symbol_from_name(name, where):
    from .._validate import as_name

    if not isinstance(name, str) or not name:
        raise FormatError(f"{where}: expected a symbol name (a non-empty string), got "
                          f"{json.dumps(name)}")
    return sympy.Symbol(as_name(name, where))


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
    from ._activations import _activation

    if not isinstance(name, str):
        raise FormatError(f"{where}: expected an activation name, got {json.dumps(name)}")
    try:
        return _activation(name).name
    except (UnknownActivationError, NotSupportedError) as e:
        raise FormatError(f"{where}: {e}") from None


# ---------------------------------------------------------------------------
# JSON documents
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------

def _source_name(path):
    if isinstance(path, (str, os.PathLike)):
        return os.fspath(path)
    return getattr(path, "name", "<file>") if isinstance(getattr(path, "name", None), str) \
        else "<file>"


def _check_path(path, what="path"):
    """A path (str or os.PathLike) or a file object with ``read``; anything else is refused."""
    if hasattr(path, "read"):
        return path
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise ArgumentError(f"{what}: expected a file path (str or os.PathLike) or a text file "
                            f"object, got {type(path).__name__} {_short(path)}")
    p = os.fspath(path)
    if not p or "\0" in p:
        raise ArgumentError(f"{what}: expected a file path, got {p!r}")
    return path


def _short(v):
    r = repr(v)
    return r if len(r) <= 60 else r[:57] + "..."


def _read_text(path):
    path = _check_path(path)
    if hasattr(path, "read"):
        text = path.read()
    else:
        from .._validate import regular_file

        # a JSON or CSV document takes some 20 times its size in Python objects
        p, _ = regular_file(path, "a JSON or CSV file", 20)
        try:
            with open(p, encoding="utf-8") as f:
                text = f.read()
        except UnicodeDecodeError:
            raise FormatError(f"{p}: not a text (UTF-8) file") from None
        except IsADirectoryError:
            raise FileError(f"{p}: is a directory, expected a file") from None
        except FileNotFoundError:
            raise FileError(f"{p}: no such file") from None
        except OSError as e:
            raise FileError(f"{p}: cannot read it ({e.strerror or type(e).__name__})") from None
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(f"{_source_name(path)}: not a text (UTF-8) file") from None
    if not isinstance(text, str):
        raise ArgumentError(f"{_source_name(path)}: read() returned {type(text).__name__}, "
                            "expected text")
    return text


class _Pairs(list):
    """A JSON object whose keys repeat (an R list with repeated names)."""


#: deepest nesting of arrays and objects a JSON document may have
MAX_JSON_DEPTH = 64
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_depth(text, limit):
    """The nesting depth of a JSON text, scanned without recursion (stops past ``limit``)."""
    if text.count("[") + text.count("{") <= limit:
        return 0
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > limit:
                return depth
        elif c in "]}":
            depth -= 1
    return 0


def _read_json(path, pairs=False):
    src = _source_name(path)
    text = _read_text(path)
    if _json_depth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise FormatError(f"{src}: the JSON nests arrays and objects more than "
                          f"{MAX_JSON_DEPTH} levels deep (symnet's files nest at most 4)")

    def hook(items):
        keys = [k for k, _ in items]
        if len(set(keys)) != len(keys):
            if pairs:   # R lists may repeat names (NN2Poly's weight lists)
                return _Pairs(items)
            seen = set()
            dup = next(k for k in keys if k in seen or seen.add(k))
            raise FormatError(f"{src}: the key {dup!r} appears twice in one object (JSON "
                              "readers disagree on which one counts)")
        return dict(items)

    def bad_constant(name):
        raise FormatError(f"{src}: {name} is not valid JSON (numbers must be finite)")

    try:
        return json.loads(text, object_pairs_hook=hook, parse_constant=bad_constant)
    except FormatError:
        raise
    except json.JSONDecodeError as e:
        raise FormatError(f"{src}: not valid JSON: {e.msg} at line {e.lineno}, column "
                          f"{e.colno}") from None
    except RecursionError:   # pragma: no cover - the depth scan comes first
        raise FormatError(f"{src}: the JSON is nested too deeply") from None
    except ValueError as e:  # e.g. integers beyond Python's digit limit
        raise FormatError(f"{src}: cannot read the JSON: {' '.join(str(e).split())}") from None


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
    target = os.fspath(path)
    if os.path.isdir(target):
        raise FileError(f"{target}: is a directory; expected the path of a file to write")
    tmp = target + ".tmp"
    try:   # written beside the target, then renamed: a failure never leaves half a file
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as e:
        if os.path.exists(tmp) and not os.path.isdir(tmp):
            os.remove(tmp)
        raise FileError(f"{target}: cannot write it ({e.strerror or type(e).__name__})") \
            from None



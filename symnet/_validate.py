"""One validation layer: numbers, orders, precisions, names, points, sizes, strings.

Every public entry point of symnet coerces its arguments here, so one
condition always raises one error class with one kind of message ("what was
expected, what came").  Strings are never given to :func:`sympy.sympify`
(which evaluates Python code): :func:`parse_expr` reads the small language
of numbers, names, ``+ - * / **``, parentheses and a fixed set of functions,
and refuses everything else with a :class:`~symnet.errors.ParseError`.

Examples
--------
>>> from symnet._validate import parse_expr, as_order
>>> parse_expr("3/8*x + log(2)")
3*x/8 + log(2)
>>> parse_expr("__import__('os')")
Traceback (most recent call last):
...
symnet.errors.ParseError: expression: cannot read "__import__('os')": unexpected character "'" at position 11
>>> as_order(3)
3
"""

from __future__ import annotations

import math
import numbers
import os
import re
from fractions import Fraction

import sympy

from .errors import (
    ArgumentError,
    FileError,
    FormatError,
    InputError,
    OrderError,
    ParseError,
    ResourceError,
    ShapeError,
    WeightError,
)

__all__ = [
    "parse_expr",
    "as_expr",
    "as_weight",
    "as_exact",
    "as_order",
    "as_degree",
    "as_series_degrees",
    "as_int",
    "as_prec",
    "as_name",
    "as_symbols",
    "as_seconds",
    "is_float_value",
    "available_memory",
    "memory_limit_bytes",
    "refuse_if_over",
    "regular_file",
    "printable",
    "MAX_ORDER",
    "MAX_PREC",
]

#: Largest expansion order accepted anywhere (the cost model refuses far earlier
#: for any real network; this only bounds the estimate's own loops).
MAX_ORDER = 10_000
#: Largest mpf precision in bits.
MAX_PREC = 1 << 16

# Python refuses to convert decimal strings longer than this (CVE-2020-10735).
MAX_DEC_DIGITS = 4000
_MAX_POWER = 10_000
_MAX_POWER_BITS = 1 << 20
_MAX_DEPTH = 200
_MAX_LENGTH = 1 << 20


# ---------------------------------------------------------------------------
# the safe expression parser
# ---------------------------------------------------------------------------

FUNCTIONS = {
    "sqrt": sympy.sqrt, "log": sympy.log, "exp": sympy.exp, "tanh": sympy.tanh,
    "erf": sympy.erf, "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "atan": sympy.atan, "asinh": sympy.asinh,
    "Abs": sympy.Abs, "erfc": sympy.erfc, "atanh": sympy.atanh,
}
CONSTANTS = {"pi": sympy.pi, "E": sympy.E}
# words that must never become symbols (R's and IEEE's special values)
_RESERVED = {"nan", "NaN", "NAN", "inf", "Inf", "INF", "infinity", "Infinity", "NA", "NULL",
             "None", "oo", "zoo", "I"}

_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<hex>0[xX][0-9a-fA-F]+)
  | (?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\*\*|[-+*/(),^])
""", re.VERBOSE)

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")


def _show(text, limit=60):
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "..."


class _Parser:
    """Recursive descent over a tiny grammar, nesting depth bounded.

    ``expr := ['+'|'-'] term (('+'|'-') term)*``,
    ``term := power (('*'|'/') power)*``,
    ``power := unary [('**'|'^') power]``, ``unary := ('-'|'+') unary | atom``,
    ``atom := number | name | function '(' expr ')' | '(' expr ')'``.
    """

    def __init__(self, text, where, functions, symbols):
        self.text = text
        self.where = where
        self.functions = functions
        self.symbols = symbols
        self.depth = 0
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
        raise ParseError(f"{self.where}: cannot read {_show(self.text)}: {msg}")

    def enter(self):
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            self.fail(f"nested more than {_MAX_DEPTH} levels deep")

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
        self.enter()
        sign = 1
        if self.peek()[1] in ("+", "-"):
            sign = -1 if self.take()[1] == "-" else 1
        out = self.term()
        out = -out if sign < 0 else out
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            t = self.term()
            out = out + t if op == "+" else out - t
        self.depth -= 1
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
        self.enter()
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
            if isinstance(base, (sympy.Rational, sympy.Float)) and base != 0:
                size = max(abs(base.p), base.q).bit_length() if isinstance(
                    base, sympy.Rational) else 64
                bits = size * abs(exp.p) / exp.q
                if bits > _MAX_POWER_BITS:
                    self.fail(f"the power at position {pos} would have about {int(bits)} bits "
                              f"(at most {_MAX_POWER_BITS})")
            base = base ** exp
        self.depth -= 1
        return base

    def unary(self):
        self.enter()
        if self.peek()[1] == "-":
            self.take()
            out = -self.unary()
        elif self.peek()[1] == "+":
            self.take()
            out = self.unary()
        else:
            out = self.atom()
        self.depth -= 1
        return out

    def atom(self):
        kind, tok, pos = self.take()
        if kind == "hex":
            return sympy.Integer(int(tok, 16))
        if kind == "num":
            if re.fullmatch(r"\d+", tok):
                if len(tok) > MAX_DEC_DIGITS:
                    self.fail(f"integer with {len(tok)} digits at position {pos}; write long "
                              "integers in hexadecimal (0x...)")
                return sympy.Integer(int(tok))
            if len(tok) > MAX_DEC_DIGITS:
                self.fail(f"number with {len(tok)} characters at position {pos}")
            v = float(tok)
            if not math.isfinite(v):
                self.fail(f"the number {tok} at position {pos} overflows a float")
            return sympy.Float(v)
        if kind == "name":
            if self.peek()[1] == "(":
                if not self.functions or tok not in FUNCTIONS:
                    known = ", ".join(sorted(FUNCTIONS)) if self.functions else "none"
                    self.fail(f"unknown function {tok!r} at position {pos} (known: {known})")
                self.take("(")
                arg = self.expr()
                self.take(")")
                return FUNCTIONS[tok](arg)
            if tok in CONSTANTS and self.functions:
                return CONSTANTS[tok]
            if tok in _RESERVED:
                self.fail(f"{tok!r} at position {pos} is not a number symnet accepts "
                          "(NaN, infinities and missing values are refused)")
            if self.symbols is not None:
                if tok not in self.symbols:
                    known = ", ".join(sorted(self.symbols)) or "none"
                    self.fail(f"unknown name {tok!r} at position {pos} (known: {known})")
                return self.symbols[tok]
            return sympy.Symbol(tok)
        if tok == "(":
            e = self.expr()
            self.take(")")
            return e
        self.fail(f"unexpected {tok!r} at position {pos}")


def parse_expr(text, where="expression", *, functions=True, symbols=None):
    """Read an expression string without evaluating any code.

    Parameters
    ----------
    text : str
        Numbers (``3``, ``3/8``, ``0.5``, ``1e-3``, ``0x1f``), names, ``+ - * /
        **`` (or ``^``), parentheses, the constants ``pi`` and ``E`` and the
        functions ``sqrt log exp tanh erf erfc sin cos tan sinh cosh atan
        atanh asinh Abs``.
    where : str
        What the string is, for the error message.
    functions : bool
        False: names only, no functions or constants.
    symbols : dict, optional
        ``{name: Symbol}``; when given, any other name is an error.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ParseError
        For anything outside that language, with the position.

    Examples
    --------
    >>> from symnet._validate import parse_expr
    >>> parse_expr("x**2 - 1/3")
    x**2 - 1/3
    """
    if not isinstance(text, str):
        raise ParseError(f"{where}: expected a string, got {type(text).__name__}")
    if len(text) > _MAX_LENGTH:
        raise ParseError(f"{where}: the expression has {len(text):,} characters (at most "
                         f"{_MAX_LENGTH:,})")
    try:
        return _Parser(text, where, functions, symbols).parse()
    except RecursionError:  # pragma: no cover - the depth bound comes first
        raise ParseError(f"{where}: cannot read the expression: it is nested too deeply") \
            from None


def as_name(name, where="name", *, error=FormatError):
    """A symbol name: an identifier of ASCII letters, digits and underscores.

    ``error`` is the class raised: :class:`FormatError` for names read from
    files, :class:`InputError` for names passed to the Python API.

    Examples
    --------
    >>> from symnet._validate import as_name
    >>> as_name("x_1")
    'x_1'
    """
    if not isinstance(name, str):
        raise error(f"{where}: expected a name (a string), got {type(name).__name__} "
                    f"{repr(name)[:60]}")
    if not _NAME.match(name):
        raise error(f"{where}: expected a name of letters, digits and underscores "
                    f"(not starting with a digit), got {_show(name)}")
    if name in _RESERVED:
        raise error(f"{where}: {name!r} is reserved (it reads as NaN, infinity or a "
                    "missing value)")
    return name


def as_symbols(symbols, where="inputs", *, count=None):
    """A tuple of distinct sympy Symbols (names as strings are read safely).

    Examples
    --------
    >>> from symnet._validate import as_symbols
    >>> as_symbols("x y")
    (x, y)
    """
    if isinstance(symbols, str):
        parts = [p for p in re.split(r"[\s,]+", symbols.strip()) if p]
        symbols = [sympy.Symbol(as_name(p, where)) for p in parts]
    elif isinstance(symbols, sympy.Symbol):
        symbols = [symbols]
    try:
        symbols = tuple(symbols)
    except TypeError:
        raise InputError(f"{where}: expected sympy Symbols, got {type(symbols).__name__}") \
            from None
    out = []
    for s in symbols:
        if isinstance(s, str):
            s = sympy.Symbol(as_name(s, where))
        if not isinstance(s, sympy.Symbol):
            raise InputError(f"{where}: expected sympy Symbols, got {type(s).__name__} {s!r}")
        out.append(s)
    if len(set(out)) != len(out):
        raise InputError(f"{where}: symbols must be distinct, got {tuple(out)}")
    if count is not None and len(out) != count:
        raise ShapeError(f"{where}: expected {count} symbols, got {len(out)}")
    return tuple(out)


# ---------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------

def _unwrap_numpy(value):
    if type(value).__module__ == "numpy":
        import numpy as np
        if isinstance(value, np.generic):
            return value.item()
    return value


def as_weight(value, where="weight", *, strings=False):
    """One weight, bias or coordinate: a finite float, or an exact sympy expression.

    Python ints, Fractions, numpy scalars and sympy numbers become sympy
    numbers; floats stay floats (finite only); strings are refused unless
    ``strings=True`` (then parsed safely, never evaluated); NaN, infinities,
    complex numbers and bools are refused.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from symnet._validate import as_weight
    >>> as_weight(Fraction(3, 8)), as_weight(0.5), as_weight("w1", strings=True)
    (3/8, 0.5, w1)
    """
    if isinstance(value, sympy.Rational):   # the common exact case, fast
        return value
    value = _unwrap_numpy(value)
    if isinstance(value, bool):
        raise WeightError(f"{where}: expected a number or sympy expression, got the bool {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise WeightError(f"{where}: expected a finite number, got {value!r}")
        return value
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if (type(value).__module__ or "").startswith("flint"):
        kind = type(value).__name__
        if kind == "fmpq":
            return sympy.Rational(int(value.p), int(value.q))
        if kind == "fmpz":
            return sympy.Integer(int(value))
    if isinstance(value, str):
        if not strings:
            raise WeightError(
                f"{where}: got the string {value!r}; pass a number, fractions.Fraction or a "
                "sympy expression (strings are never evaluated; files are parsed safely)")
        try:
            value = parse_expr(value, where)
        except ParseError as e:
            raise WeightError(str(e)) from None
        return as_weight(value, where)
    if isinstance(value, numbers.Complex) and not isinstance(value, (numbers.Real, sympy.Basic)):
        raise WeightError(f"{where}: expected a real number, got the complex {value!r}")
    if isinstance(value, numbers.Rational) and not isinstance(value, sympy.Basic):
        return sympy.Rational(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real) and not isinstance(value, sympy.Basic):
        try:
            return as_weight(float(value), where)
        except (TypeError, ValueError, OverflowError):
            raise WeightError(f"{where}: cannot read {type(value).__name__} {value!r} as a "
                              "real number") from None
    if not isinstance(value, sympy.Basic):
        raise WeightError(
            f"{where}: expected a number or sympy expression, got {type(value).__name__} "
            f"{value!r}")
    if not isinstance(value, sympy.Expr):
        raise WeightError(f"{where}: expected a sympy expression, got {value!r}")
    if value.is_Float:
        return as_weight(float(value), where)
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise WeightError(f"{where}: expected a finite value, got {value}")
    if value.is_number and value.is_extended_real is False:
        raise WeightError(f"{where}: expected a real number, got {value}")
    return value


def as_expr(value, where="expression", *, symbols=None):
    """A sympy expression from a number, an expression or a string (parsed safely).

    Examples
    --------
    >>> from symnet._validate import as_expr
    >>> as_expr("sin(x)*y")
    y*sin(x)
    """
    value = _unwrap_numpy(value)
    if isinstance(value, str):
        return parse_expr(value, where, symbols=symbols)
    if isinstance(value, bool):
        raise InputError(f"{where}: expected an expression, got the bool {value!r}")
    if isinstance(value, float):
        return sympy.Float(value)
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, sympy.Basic):
        return value
    raise InputError(f"{where}: expected a sympy expression, a number or a string, got "
                     f"{type(value).__name__}")


def as_exact(value, where="value"):
    """An exact real number (floats taken at their exact binary value).

    Examples
    --------
    >>> from symnet._validate import as_exact
    >>> as_exact(0.5), as_exact("1/3")
    (1/2, 1/3)
    """
    v = as_weight(value, where, strings=True)
    if isinstance(v, float):
        return sympy.Rational(v)
    if v.free_symbols:
        raise WeightError(f"{where}: expected a number, got the expression {v}")
    if v.has(sympy.Float):
        v = v.xreplace({f: sympy.Rational(f) for f in v.atoms(sympy.Float)})
    return v


def is_float_value(w):
    """True for a float or an expression containing a Float.

    Examples
    --------
    >>> import sympy
    >>> from symnet._validate import is_float_value
    >>> is_float_value(0.5), is_float_value(sympy.Symbol("w") + sympy.Float(0.5))
    (True, True)
    >>> is_float_value(1), is_float_value(sympy.Rational(1, 2))
    (False, False)
    """
    return isinstance(w, float) or (isinstance(w, sympy.Basic) and w.has(sympy.Float))


def as_int(value, where, *, minimum=0, maximum=None):
    """A Python int in ``[minimum, maximum]`` (bools refused).

    Examples
    --------
    >>> from symnet._validate import as_int
    >>> as_int(3, "k", minimum=1)
    3
    """
    value = _unwrap_numpy(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise OrderError(f"{where}: expected an integer >= {minimum}, got "
                         f"{type(value).__name__} {value!r}")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        rng = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise OrderError(f"{where}: expected an integer {rng}, got {value}")
    return value


def as_order(order, where="order", *, maximum=MAX_ORDER):
    """A truncation order: an int in ``[0, maximum]``.

    ``maximum=None`` accepts any non-negative int: for callers whose cost
    model refuses large orders itself, with the estimate (:func:`symnet.expand`).

    Examples
    --------
    >>> from symnet._validate import as_order
    >>> as_order(4)
    4
    >>> as_order(10**6, maximum=None)
    1000000
    """
    if type(order) is int and 0 <= order <= (MAX_ORDER if maximum is None else maximum):
        return order   # the common case, fast
    value = _unwrap_numpy(order)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise OrderError(f"expected a non-negative integer {where}, got {order!r}")
    if maximum is not None and value > maximum:
        raise OrderError(f"{where} {value} is beyond the largest order symnet accepts "
                         f"({maximum})")
    return int(value)


def as_degree(n, where="degree"):
    """A series degree: like :func:`as_order`.

    Examples
    --------
    >>> from symnet._validate import as_degree
    >>> as_degree(2)
    2
    """
    return as_order(n, where)


def as_series_degrees(series_degree, order, n_layers, *, maximum=MAX_ORDER):
    """One activation series degree per layer (``expand``'s ``series_degree``).

    ``None`` gives ``order`` for every layer; one int is used for every
    layer; a sequence must have one degree per layer.  ``maximum`` as in
    :func:`as_order`.

    Examples
    --------
    >>> from symnet._validate import as_series_degrees
    >>> as_series_degrees(None, 3, 2), as_series_degrees(5, 3, 2), as_series_degrees([2, 4], 3, 2)
    ([3, 3], [5, 5], [2, 4])
    """
    if series_degree is None:
        return [order] * n_layers
    if isinstance(series_degree, (list, tuple)) or (hasattr(series_degree, "__len__")
                                                     and not isinstance(series_degree, str)):
        qs = list(series_degree)
        if len(qs) != n_layers:
            raise ShapeError(f"series_degree: expected one degree per layer ({n_layers} "
                             f"layers), got {len(qs)}: {qs}")
    else:
        qs = [series_degree] * n_layers
    try:
        return [as_order(q, "series_degree", maximum=maximum) for q in qs]
    except OrderError:
        raise OrderError(f"series_degree must be a non-negative int or one per layer, "
                         f"got {series_degree!r}") from None


def as_prec(prec, where="prec"):
    """Bits of precision: an int in ``[2, MAX_PREC]``.

    Examples
    --------
    >>> from symnet._validate import as_prec
    >>> as_prec(128)
    128
    """
    from .errors import DomainError

    value = _unwrap_numpy(prec)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not (
            2 <= value <= MAX_PREC):
        raise DomainError(f"{where} must be a number of bits in [2, {MAX_PREC}], got {prec!r}")
    return int(value)


def as_seconds(value, where="timeout"):
    """A positive, finite number of seconds (None passes through).

    Examples
    --------
    >>> from symnet._validate import as_seconds
    >>> as_seconds(2)
    2.0
    """
    if value is None:
        return None
    value = _unwrap_numpy(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (
            math.isfinite(float(value)) and float(value) > 0):
        raise ArgumentError(f"{where}: expected a positive number of seconds, got {value!r}")
    return float(value)


# ---------------------------------------------------------------------------
# printing huge exact numbers
# ---------------------------------------------------------------------------

# Python refuses str() of integers above 4300 digits; print them in hexadecimal
_MAX_STR_BITS = int(3.3 * MAX_DEC_DIGITS)


class HexNumber(sympy.Expr):
    """An exact rational printed in hexadecimal (``0x1f/0x3``): too long for decimal.

    Python refuses ``str()`` of an int above 4300 digits; symnet prints such
    numbers in the hexadecimal form its parser reads back.
    """

    is_commutative = True
    is_number = True

    def __new__(cls, value):
        return sympy.Expr.__new__(cls, value)

    def _text(self):
        v = self.args[0]
        p, q = int(v.p), int(v.q)
        sign = "-" if p < 0 else ""
        return f"{sign}{hex(abs(p))}" + (f"/{hex(q)}" if q != 1 else "")

    def _sympystr(self, printer):
        return self._text()

    def _latex(self, printer):
        return r"\mathtt{" + self._text() + "}"

    def could_extract_minus_sign(self):
        return False


def printable(expr):
    """``expr`` with every rational too long for decimal printing wrapped in :class:`HexNumber`.

    The one place every symnet printer (``str``, :func:`symnet.latex`, the
    coefficient table, piecewise linear maps) passes its numbers through;
    matrices are mapped entry by entry.

    Examples
    --------
    >>> import sympy
    >>> from symnet._validate import printable
    >>> str(printable(sympy.Integer(2)**20000 * sympy.Symbol("x")))[:8]
    'x*0x1000'
    """
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(printable)
    if not isinstance(expr, sympy.Basic):
        return expr
    big = {r: HexNumber(r) for r in expr.atoms(sympy.Rational)
           if max(abs(int(r.p)), int(r.q)).bit_length() > _MAX_STR_BITS}
    return expr.xreplace(big) if big else expr


# ---------------------------------------------------------------------------
# memory: the real limit, and refusing work beyond it
# ---------------------------------------------------------------------------

def _read_int(path):
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    if not text or text == "max":
        return None
    try:
        v = int(text)
    except ValueError:
        return None
    return v if 0 < v < (1 << 60) else None


def _cgroup_limit():
    """Bytes left under this process's cgroup memory limit (v2 or v1), or None."""
    for lim, cur in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                     ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                      "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        limit = _read_int(lim)
        if limit is not None:
            used = _read_int(cur) or 0
            return max(0, limit - used)
    return None


def _rlimit():
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return None
    out = []
    for name in ("RLIMIT_AS", "RLIMIT_DATA"):
        which = getattr(resource, name, None)
        if which is None:
            continue
        try:
            soft, _ = resource.getrlimit(which)
        except (ValueError, OSError):  # pragma: no cover
            continue
        if soft != resource.RLIM_INFINITY and soft > 0:
            out.append(soft)
    if not out:
        return None
    limit = min(out)
    try:  # the address space already in use counts against RLIMIT_AS
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
        limit -= pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        pass
    return max(0, limit)


def _mem_available():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return 8 << 30


_AVAIL = [0.0, None]


def available_memory():
    """Bytes this process may still allocate: the smallest of the machine's
    available memory, the cgroup limit and ``RLIMIT_AS``/``RLIMIT_DATA``.

    Examples
    --------
    >>> from symnet._validate import available_memory
    >>> available_memory() > 0
    True
    """
    import time
    now = time.monotonic()
    if _AVAIL[1] is None or now - _AVAIL[0] > 0.25:   # read the system at most 4 times a second
        cands = [v for v in (_mem_available(), _cgroup_limit(), _rlimit()) if v is not None]
        _AVAIL[:] = [now, min(cands) if cands else 8 << 30]
    return _AVAIL[1]


def memory_limit_bytes(memory_limit, where="memory_limit"):
    """``(bytes, description)`` for a ``memory_limit`` argument; ``(None, None)`` for None.

    ``"auto"`` is half of :func:`available_memory`.

    Examples
    --------
    >>> from symnet._validate import memory_limit_bytes
    >>> memory_limit_bytes(10**9)
    (1000000000, 'memory_limit=1000000000')
    """
    if memory_limit is None:
        return None, None
    if isinstance(memory_limit, str) and memory_limit == "auto":
        avail = available_memory()
        return avail // 2, f"half of the {avail / 2**30:.1f} GiB this process may still use"
    value = _unwrap_numpy(memory_limit)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (
            math.isfinite(float(value)) and value > 0):
        raise ArgumentError(
            f"{where} must be 'auto', None or a positive number of bytes, got {memory_limit!r}")
    return int(value), f"{where}={memory_limit}"


def regular_file(path, kind="a model file", factor=1):
    """Check, before anything reads it, that ``path`` is a regular file of a sane size.

    Every file reader of symnet (the loaders of :mod:`symnet.io` and the
    command line) calls this first: a FIFO or a device such as ``/dev/zero``
    would block or never end, and a file larger than the memory this process
    may still use, divided by ``factor`` (what reading it takes per byte: some
    20 for JSON, a few for binary formats), would end in a MemoryError.

    Parameters
    ----------
    path : str or os.PathLike
    kind : str
        What the file should be, for the messages ("an ONNX file", ...).
    factor : int
        Bytes of memory reading one byte of the file takes.

    Returns
    -------
    (str, int)
        The path and the file's size in bytes.

    Raises
    ------
    FileError
        When there is no such file, it is a directory, or it is not a regular
        file (a FIFO, a device, a socket).
    ResourceError
        When the file is larger than the limit (both sizes in the message).

    Examples
    --------
    >>> import os, tempfile
    >>> from symnet._validate import regular_file
    >>> path = os.path.join(tempfile.mkdtemp(), "n.json")
    >>> with open(path, "w") as f:
    ...     _ = f.write("{}")
    >>> regular_file(path, "a JSON file", 20)[1]
    2
    >>> from symnet.errors import FileError
    >>> try:
    ...     regular_file("/dev/null")
    ... except FileError as e:
    ...     print(e)
    /dev/null: not a regular file (a character device), expected a model file
    """
    import stat

    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise InputError(f"expected the path of {kind}, got {type(path).__name__}")
    p = os.fspath(path)
    if not p or "\0" in p:
        raise FileError(f"{p!r}: not a file path")
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise FileError(f"{p}: no such file") from None
    except OSError as e:
        raise FileError(f"{p}: cannot read it ({e.strerror or type(e).__name__})") from None
    if stat.S_ISDIR(st.st_mode):
        raise FileError(f"{p}: is a directory, expected {kind}")
    if not stat.S_ISREG(st.st_mode):
        what = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else
                "a character device" if stat.S_ISCHR(st.st_mode) else
                "a block device" if stat.S_ISBLK(st.st_mode) else
                "a socket" if stat.S_ISSOCK(st.st_mode) else "a special file")
        raise FileError(f"{p}: not a regular file ({what}), expected {kind}")
    limit = available_memory() // max(1, int(factor))
    if st.st_size > limit:
        raise ResourceError(
            f"{p}: {st.st_size:,} bytes, more than the {limit:,} bytes {kind} may have here "
            f"(reading it takes about {factor} times its size and this process may still use "
            f"{_gib(available_memory())})")
    return p, st.st_size


def refuse_if_over(estimate, limit, where, what, advice, error=ResourceError):
    """Raise ``error`` (a ResourceError) when ``estimate > limit`` bytes.

    Examples
    --------
    >>> from symnet._validate import refuse_if_over
    >>> refuse_if_over(10, 100, "the limit", "this", "do less")
    """
    if limit is not None and estimate > limit:
        raise error(
            f"{what} needs about {_gib(estimate)}, more than {where}; {advice}")


def _gib(nbytes):
    g = nbytes / 2**30
    if g >= 1e6:
        return f"{g:.2e} GiB"
    return f"{g:.2f} GiB" if g >= 0.01 else f"{g:.2g} GiB ({int(nbytes):,} bytes)"

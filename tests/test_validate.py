"""Tests of symnet._validate: the safe parser and the coercers every entry point uses."""

import math
from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy

from symnet._validate import (as_exact, as_name, as_order, as_prec, as_seconds, as_symbols,
                              as_weight, available_memory, memory_limit_bytes, parse_expr)
from symnet.errors import (ArgumentError, DomainError, FormatError, InputError, OrderError,
                           ParseError, WeightError)

x, y = sympy.symbols("x y")


@pytest.mark.parametrize("text, want", [
    ("3/8*x + log(2)", sympy.Rational(3, 8) * x + sympy.log(2)),
    ("x^2 - -1", x**2 + 1),
    ("0x1f", sympy.Integer(31)),
    ("sqrt(2)/(2*sqrt(pi))", sympy.sqrt(2) / (2 * sympy.sqrt(sympy.pi))),
    ("exp(-x*y) + E", sympy.exp(-x * y) + sympy.E),
])
def test_the_language(text, want):
    assert parse_expr(text) == want


@pytest.mark.parametrize("text", [
    "__import__('os').system('true')", "x.__class__", "lambda: 0", "[1, 2]", "x if y else 0",
    "nan", "inf", "NA", "oo", "I", "x**x", "2**100000000", "f(x)", "", "(" * 500 + "x" + ")" * 500,
    "1" * 5000, "x;y",
])
def test_everything_else_is_refused(text):
    with pytest.raises(ParseError):
        parse_expr(text)


def test_parse_errors_are_format_errors_with_the_position():
    with pytest.raises(FormatError, match=r"unexpected character '\[' at position 0"):
        parse_expr("[1]")
    with pytest.raises(ParseError, match="unknown name 'z'"):
        parse_expr("z", symbols={"x": x})


@pytest.mark.parametrize("value, want", [
    (3, sympy.Integer(3)), (Fraction(1, 3), sympy.Rational(1, 3)), (np.int64(2), sympy.Integer(2)),
    (0.5, 0.5), (np.float32(0.25), 0.25), (flint.fmpq(2, 7), sympy.Rational(2, 7)),
    (sympy.sqrt(2), sympy.sqrt(2)), (sympy.Float(0.5), 0.5),
])
def test_as_weight_keeps_exact_exact_and_floats_floats(value, want):
    got = as_weight(value)
    assert got == want and type(got) is type(want) or (isinstance(want, float) and
                                                      isinstance(got, float))


@pytest.mark.parametrize("bad", [math.nan, math.inf, True, 1j, None, "1/2", sympy.oo, sympy.I,
                                 [1]])
def test_as_weight_refuses(bad):
    with pytest.raises(WeightError):
        as_weight(bad)


def test_as_weight_parses_strings_only_when_asked():
    assert as_weight("1/3", strings=True) == sympy.Rational(1, 3)
    assert as_exact(0.1) == sympy.Rational(0.1) and as_exact("1/3") == sympy.Rational(1, 3)


def test_orders_precisions_names_seconds():
    assert as_order(np.int64(4)) == 4
    for bad in (-1, 2.0, True, "3"):
        with pytest.raises(OrderError):
            as_order(bad)
    assert as_prec(64) == 64
    with pytest.raises(DomainError):
        as_prec(10**9)
    assert as_name("x_1") == "x_1"
    for bad in ("", " x", "x\x00", "\ud800", "1x", "nan"):
        with pytest.raises(FormatError):
            as_name(bad)
    assert as_symbols("x y") == (x, y)
    with pytest.raises(InputError, match="distinct"):
        as_symbols([x, x])
    assert as_seconds(2) == 2.0 and as_seconds(None) is None
    for bad in (-1, 0, math.nan, math.inf, True):
        with pytest.raises(ArgumentError):
            as_seconds(bad)


def test_memory_limits():
    assert available_memory() > 0
    assert memory_limit_bytes(None) == (None, None)
    lim, where = memory_limit_bytes("auto")
    assert 0 < lim <= available_memory() and "half" in where
    for bad in (-5, 0, "lots", math.nan, True):
        with pytest.raises(ArgumentError):
            memory_limit_bytes(bad)


# ---------------------------------------------------------------------------
# regular_file: the check every file reader makes before reading
# ---------------------------------------------------------------------------

def test_regular_file_refuses_fifos_devices_and_files_beyond_memory(tmp_path, monkeypatch):
    import os

    import symnet._validate as v
    from symnet.errors import FileError, InputError, ResourceError

    path = tmp_path / "n.json"
    path.write_text("{}" * 50)
    assert v.regular_file(path, "a JSON file", 20) == (str(path), 100)
    fifo = tmp_path / "f.json"
    os.mkfifo(fifo)
    with pytest.raises(FileError, match=r"f.json: not a regular file \(a FIFO\), expected a "
                                        r"JSON file"):
        v.regular_file(fifo, "a JSON file")     # stat only: never opened
    if os.path.exists("/dev/zero"):
        with pytest.raises(FileError, match="not a regular file .a character device."):
            v.regular_file("/dev/zero")
    with pytest.raises(FileError, match="is a directory"):
        v.regular_file(tmp_path)
    with pytest.raises(FileError, match="no such file"):
        v.regular_file(tmp_path / "nope.json")
    with pytest.raises(InputError, match="expected the path of a model file, got int"):
        v.regular_file(3)
    # beyond the memory left (divided by the reading factor): both sizes in the message
    monkeypatch.setattr(v, "available_memory", lambda: 1000)
    v.regular_file(path, "a JSON file", 10)
    with pytest.raises(ResourceError, match=r"n.json: 100 bytes, more than the 50 bytes a "
                                            r"JSON file may have here"):
        v.regular_file(path, "a JSON file", 20)

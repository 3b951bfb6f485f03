"""Tests for symnet.cli_args: the command-line number types, parsed exactly and never evaluated."""

import argparse

import pytest
import sympy

from symnet import ArgumentError, BoxError, ParseError
from symnet.cli_args import box_text, nonnegative_int, order_at_most, point_text, positive_int

R = sympy.Rational


def test_integers():
    assert positive_int("12") == 12 and nonnegative_int("0") == 0 and order_at_most(5)("5") == 5
    for f, bad in [(positive_int, "0"), (positive_int, "1.5"), (nonnegative_int, "-1"),
                   (nonnegative_int, "__import__('os')"), (order_at_most(5), "6")]:
        with pytest.raises(argparse.ArgumentTypeError, match="expected"):
            f(bad)


def test_boxes_are_exact_and_repeat_one_pair():
    assert box_text("-1,1/3", 3) == [(-1, R(1, 3))] * 3
    assert box_text("[0:0.5]; (-2, 2)", 2) == [(0, R(1, 2)), (-2, 2)]
    assert all(isinstance(v, sympy.Rational) for pair in box_text("0.1,1e-3", 1) for v in pair)


@pytest.mark.parametrize("text,msg", [("0,1;0,1;0,1", "2 inputs"), ("0,1,2", "'lo,hi'"),
                                      ("0,", "'lo,hi'"), ("0,__import__('os')", "--box"),
                                      ("0,nan", "--box")])
def test_bad_boxes(text, msg):
    with pytest.raises(BoxError, match=msg):
        box_text(text, 2)


def test_points_keep_what_was_typed():
    assert point_text("1/3;0.25", 2) == [R(1, 3), 0.25] and isinstance(point_text("0.25", 1)[0],
                                                                        float)
    assert point_text("2", 3) == [2, 2, 2]
    with pytest.raises(ArgumentError, match="expected 2 comma-separated"):
        point_text("1,2,3", 2)
    with pytest.raises(ParseError, match="cannot read"):
        point_text("exec('1')", 1)

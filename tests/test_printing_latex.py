"""Tests for symnet.latex: align environments, coefficient tables, networks, PDEs, compiling."""

import re
import shutil
import subprocess

import networkx as nx
import pytest
import sympy

import symnet
from symnet import (Network, Polynomial, RidgeSum, Tree, coefficient_table, expand,
                    latex_document, nonsingularity_conditions, pde_constraints)

R = sympy.Rational
x, y, z = sympy.symbols("x y z")


def test_symnet_latex_is_the_function():
    assert callable(symnet.latex) and symnet.latex.__module__ == "symnet.printing.latex"
    assert symnet.latex(R(3, 8) * x) == sympy.latex(R(3, 8) * x)


def test_polynomial_align_lines_and_terms():
    p = Polynomial(1 + x / 2 - x * y / 3 + y**2 - 5 * x**3, (x, y), order=3)
    out = symnet.latex(p, terms_per_line=2)
    lines = out.splitlines()
    assert lines[0] == r"\begin{align}" and lines[-1] == r"\end{align}"
    body = lines[1:-1]
    assert len(body) == 3                               # 5 terms + O-term, 2 per line
    assert body[0].startswith(r"f\left(x, y\right) &= 1 + \frac{x}{2}")
    assert body[1].startswith(r"&\quad - \frac{x y}{3} + y^{2}")
    assert body[2].startswith(r"&\quad - 5 x^{3} + O\left(")
    # only the last line of the equation is numbered
    assert [b.endswith(r"\nonumber \\") for b in body] == [True, True, False]
    # the printed terms are exactly the polynomial's terms
    joined = " ".join(b.replace(r"\nonumber", "").replace("&=", "").replace(r"&\quad", "")
                      .rstrip(" \\") for b in body)
    assert joined.count("O\\left") == 1
    inline = symnet.latex(p, environment=None, order_term=False)
    assert inline == r"1 + \frac{x}{2} - \frac{x y}{3} + y^{2} - 5 x^{3}"
    star = symnet.latex(p, environment="align*")
    assert r"\begin{align*}" in star and r"\nonumber" not in star


def test_polynomial_settings_pass_through_to_sympy():
    p = Polynomial(R(1, 3) * x * y + x**2 - y, (x, y), order=2)
    desc = symnet.latex(p, environment=None, order_term=False, order="descending")
    assert desc == r"\frac{x y}{3} + x^{2} - y"
    named = symnet.latex(p, environment=None, order_term=False, symbol_names={x: r"\xi"})
    assert r"\xi" in named and "x" not in named.replace(r"\xi", "")
    folded = symnet.latex(p, environment=None, order_term=False, fold_short_frac=True)
    assert "x y / 3" in folded
    with pytest.raises(TypeError, match="Unknown setting 'colour'"):
        symnet.latex(p, colour="red")
    with pytest.raises(symnet.SymnetError, match="environment must be"):
        symnet.latex(p, environment="eqnarray")


def test_float_digits_and_lhs():
    p = Polynomial({(0,): 0.123456789, (1,): -2.0 / 3}, [x], order=1)
    out = symnet.latex(p, environment=None, digits=3, order_term=False)
    assert out == r"0.123 - 0.667 x"
    out = symnet.latex(p, environment="aligned", lhs=sympy.Function("g")(x), digits=2)
    assert out.splitlines()[1].startswith(r"g{\left(x \right)} &= 0.12 - 0.67 x")


def test_taylor_centre_in_monomials():
    p = Polynomial({(0,): 1, (1,): 2, (2,): R(-1, 2)}, [x], order=2, center=[1])
    out = symnet.latex(p, environment=None)
    assert r"\left(x - 1\right)^{2}" in out and r"\left\lVert x - 1 \right\rVert^{3}" in out


def test_multi_output_one_equation_each():
    net = Network.dense([[[1, 2], [3, 4]], [[1, 1], [1, -1]]], activations=["tanh", "identity"])
    ps = expand(net, 3)
    out = symnet.latex(ps)
    assert out.count("y_{1} &=") == 1 and out.count("y_{2} &=") == 1
    assert out.count("O\\left") == 2
    out = symnet.latex(net, form="expr")
    rows = out.splitlines()[1:-1]
    assert len(rows) == 2 and rows[0].startswith("y_{1} &= ") and rows[1].startswith("y_{2} &= ")
    assert r"\tanh" in rows[0]


def test_network_layer_equations_and_matrix_form():
    net = Network.dense([[[R(1, 2), -1]], [[2]]], biases=[[R(1, 4)], [0]],
                        activations=["sigmoid", "identity"])
    out = symnet.latex(net)
    assert out.splitlines()[1:-1] == [
        r"h^{(1)}_{1} &= \sigma\left(\frac{x_{1}}{2} - x_{2} + \frac{1}{4}\right) \\",
        r"y &= 2 h^{(1)}_{1}"]
    mat = symnet.latex(net, form="matrix")
    assert r"\mathbf{h}^{(1)} &= \sigma\left(\left[\begin{matrix}\frac{1}{2} & -1\end{matrix}" \
        in mat
    assert r"\mathbf{y} &= \left[\begin{matrix}2\end{matrix}\right] \mathbf{h}^{(1)}" in mat
    G = nx.DiGraph()
    G.add_node("in", symbol=x)
    G.add_node("hid_1", activation="gelu", bias=0)
    G.add_node("out")
    G.add_edges_from([("in", "hid_1"), ("hid_1", "out"), ("in", "out")])
    g = symnet.latex(Network.from_graph(G))
    assert r"h_{\mathrm{hid\_1}} &= \operatorname{GELU}\left(x\right)" in g
    with pytest.raises(symnet.SymnetError, match="form='matrix' needs a dense network"):
        symnet.latex(Network.from_graph(G), form="matrix")


def test_pde_constraints_and_conditions():
    t = Tree("((x,y),z)")
    out = symnet.latex(pde_constraints(t))
    assert out.splitlines()[1] == r"F_{x} F_{y z} - F_{y} F_{x z} &= 0"
    cond = symnet.latex(nonsingularity_conditions(t), environment="align*")
    assert r"\left(F_{x}, F_{y}\right) &\neq 0" in cond
    ridge = symnet.latex(pde_constraints(RidgeSum(2, (x, y))))
    rows = ridge.splitlines()[1:-1]
    assert len(rows) == len(pde_constraints(RidgeSum(2, (x, y))))
    assert all(r.rstrip(" \\").endswith("&= 0") for r in rows)
    assert symnet.latex(RidgeSum(2, (x, y))) == sympy.latex(RidgeSum(2, (x, y)))


def test_coefficient_table():
    net = Network.dense([[[1, 2]]], activations=["sigmoid"])
    p = expand(net, 3)
    tab = coefficient_table(p, top=None, sort="degree")
    rows = [r for r in tab.splitlines() if r.endswith(r"\\") and "&" in r][1:]
    assert len(rows) == p.nterms
    assert rows[0] == r"$1$ & 0 & $\frac{1}{2}$ \\"
    tab = coefficient_table(p, top=2)
    rows = [r for r in tab.splitlines() if r.count("&") == 2][1:]
    # the two largest in magnitude: 1/2 (constant) and 1/2 (x2)
    assert [r.split(" & ")[2] for r in rows] == [r"$\frac{1}{2}$ \\"] * 2
    assert r"2 of 7 terms, by magnitude" in tab
    wrapped = coefficient_table(p, caption="Top terms", label="tab:top")
    assert wrapped.startswith(r"\begin{table}") and r"\label{tab:top}" in wrapped
    # symbolic coefficients cannot be ranked by magnitude: degree order
    q = expand(Network.mlp([1, 1], activation="tanh"), 2)
    assert "by degree" in coefficient_table(q, top=1)
    # several outputs: one column each
    ps = expand(Network.dense([[[1]], [[1], [2]]], activations=["tanh", "identity"]), 3)
    assert r"\begin{tabular}{lrrr}" in coefficient_table(ps)
    with pytest.raises(symnet.SymnetError, match="top must be"):
        coefficient_table(p, top=0)


def test_document_compiles_with_latex(tmp_path):
    engine = shutil.which("pdflatex") or shutil.which("lualatex")
    if engine is None:
        pytest.skip("no pdflatex/lualatex (.ci/run installs Debian's texlive)")
    net = Network.dense([[[R(1, 2), -1, R(1, 4)], [1, R(1, 3), 2]], [[1, -1]]],
                        biases=[[R(1, 8), 0], [0]], activations=["tanh", "identity"])
    p = expand(net, 4)
    fnet = Network.dense([[[0.123, -1.5]], [[2.0], [0.5]]], activations=["softplus", "identity"])
    doc = latex_document(
        r"\section{Network}", net,
        r"\section{Polynomial}", p,
        coefficient_table(p, top=8, caption="Largest coefficients", label="tab:c"),
        r"\section{Float network}", symnet.latex(fnet, form="matrix", digits=4),
        symnet.latex(expand(fnet, 3), digits=4),
        r"\section{PDE constraints}", pde_constraints(Tree("((x,y),(z,w))")),
        pde_constraints(RidgeSum(2, (x, y))), nonsingularity_conditions(Tree("((x,y),z)")),
        symnet.latex(p, environment="equation", order_term=False),
        title="symnet test")
    (tmp_path / "doc.tex").write_text(doc)
    res = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout[-3000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 1000
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert not re.search(r"^! ", log, re.M)


def test_numbers_past_4300_digits_print_in_hexadecimal():
    # Python refuses str() of such ints; every LaTeX form prints them as \mathtt{0x...}
    big = Network.dense([[[10**5000]]], activations=["tanh"])
    p = expand(big, 3)
    hexa = hex(10**5000)
    for out in (symnet.latex(p), symnet.latex(p, environment=None), coefficient_table(p),
                coefficient_table(p, sort="degree"), symnet.latex(big, form="matrix")):
        assert r"\mathtt{" + hexa in out
    relu = Network.dense([[[10**5000]]], activations=["relu"])
    assert r"\mathtt{" + hexa in symnet.latex(symnet.piecewise(relu, [(-1, 1)]))

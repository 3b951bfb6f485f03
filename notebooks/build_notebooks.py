"""Write the example notebooks and execute them in place (their outputs are committed).

    python notebooks/build_notebooks.py            # all of them
    python notebooks/build_notebooks.py 02         # one

The test suite (tests/test_notebooks.py) executes the committed notebooks
again and checks that every cell runs.
"""

import os
import sys
import time

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = os.path.dirname(os.path.abspath(__file__))


def md(text):
    return new_markdown_cell(text.strip("\n"))


def code(text):
    return new_code_cell(text.strip("\n"))


QUICKSTART = [
    md("""
# symnet quickstart

A neural network is a composition of affine maps and activations. **symnet** turns it into a
closed-form polynomial of its inputs, with every coefficient identified: exact rationals (and
constants such as `log(2)`) for exact weights, polynomials in the weights for symbolic weights,
float64 for trained float weights. This notebook builds a network, expands it, reads its
coefficients and writes LaTeX for a paper.
"""),
    code("""
import sympy
import symnet
from symnet import Network, expand

R = sympy.Rational
net = Network.dense(
    [[[R(1, 2), R(-1, 4)], [R(1, 4), R(3, 4)], [R(-1, 2), R(1, 8)]],   # W1: 3 x 2
     [[1, R(-1, 2), R(3, 4)]]],                                       # W2: 1 x 3
    biases=[[R(1, 8), 0, R(-1, 4)], [R(1, 16)]],
    activations=["tanh", "identity"])
net
"""),
    md("""
## Expand

Series mode (the NN2Poly polynomial) replaces each activation by its Maclaurin polynomial and
truncates at total degree `order`. With exact weights the coefficients are exact.
"""),
    code("""
p = expand(net, 3)
print(p)
print("domain:", p.domain, "| terms:", p.nterms, "| order:", p.order)
"""),
    md("## Read coefficients\n\nBy monomial, by exponent tuple, or by NN2Poly's label."),
    code("""
x1, x2 = net.inputs
print(p.coeff(x1**2 * x2), p.coeff((0, 3)))
for e, c in p.terms().items():
    print(f"{symnet.nn2poly_label(e):>6}  {str(c):>10}  {float(c): .6f}")
"""),
    code("""
p.homogeneous(3)
"""),
    md("The polynomial tracks the network near the origin:"),
    code("""
import numpy as np
X = np.random.RandomState(0).uniform(-0.3, 0.3, size=(1000, 2))
print("max |net - p| on [-0.3, 0.3]^2:", np.abs(net(X)[:, 0] - p(X)).max())
"""),
    md("""
## Symbolic weights

With symbolic weights every coefficient is a polynomial in the weights.
"""),
    code("""
q = expand(Network.mlp([2, 2, 1], activation="tanh"), 3)
q.coeff((1, 0)), q.coeff((3, 0))
"""),
    md("""
## LaTeX for a paper

`symnet.latex` passes sympy's settings through and breaks a polynomial over the lines of an
`align` environment; `coefficient_table` writes a booktabs table.
"""),
    code("""
print(symnet.latex(p, terms_per_line=4))
"""),
    code("""
print(symnet.coefficient_table(p, top=5))
"""),
    code("""
print(symnet.latex(net))
"""),
    md("""
## Save, load, export

A network saves to a JSON file (exact numbers as strings such as `"3/8"`, floats as floats) and
reads back exactly; a polynomial exports to JSON, or to CSV with NN2Poly's labels.
"""),
    code("""
import os, tempfile
tmp = tempfile.mkdtemp()
symnet.save_network(net, os.path.join(tmp, "net.json"))
print(open(os.path.join(tmp, "net.json")).read())
assert symnet.load_network(os.path.join(tmp, "net.json")) == net
print(symnet.export_polynomial(p, "csv"))
"""),
    md("""
## Coming from NN2Poly

NN2Poly's weight list (one `(n_in + 1) x n_out` matrix per layer, row 0 the bias, named by
activation) imports unchanged.
"""),
    code("""
weights = [("tanh", [[0.1, -0.2], [0.5, 0.3], [-0.6, 0.2]]),
           ("linear", [[0.05], [1.0], [-0.5]])]
n2p = symnet.from_nn2poly(weights)
print(repr(n2p))
expand(n2p, 3)
"""),
]

TORCH = [
    md("""
# A trained PyTorch model, as a polynomial

We train a tiny `tanh` network on synthetic data, import it with `symnet.from_torch`, expand it,
compare the polynomial with the network and with the function it learned, and plot.

The series of `tanh` converges only for |z| < pi/2, so (as NN2Poly recommends) training keeps
every hidden neuron's `|w1| + |w2| + |b| <= 1`: on inputs in [-1, 1]^2 its pre-activation stays
within |z| <= 1 and the polynomial converges to the network as the order grows. Without such a
constraint trained weights grow and the series polynomial diverges away from the origin.
"""),
    code("""
import numpy as np
import torch
import symnet

torch.set_num_threads(1)          # a tiny model trains fastest on one thread
torch.manual_seed(0)
rng = np.random.RandomState(0)
X = rng.uniform(-1, 1, size=(512, 2))
y = X[:, 0] - X[:, 0] * X[:, 1] + 0.5 * X[:, 1] ** 2      # the target: x1 - x1 x2 + x2^2 / 2

model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
opt = torch.optim.Adam(model.parameters(), lr=0.02)
Xt = torch.tensor(X, dtype=torch.float32)
yt = torch.tensor(y, dtype=torch.float32)[:, None]
hidden = model[0]
for step in range(800):
    opt.zero_grad()
    loss = torch.mean((model(Xt) - yt) ** 2)
    loss.backward()
    opt.step()
    with torch.no_grad():          # project: |w1| + |w2| + |b| <= 1 for every hidden neuron
        scale = torch.clamp(hidden.weight.abs().sum(1) + hidden.bias.abs(), min=1.0)
        hidden.weight /= scale[:, None]
        hidden.bias /= scale
print(f"training MSE: {loss.item():.2e}")
"""),
    md("""
## Import and expand

`from_torch` keeps the float32 weights as Python floats (exactly); `exact=True` would turn each
into its exact binary value and `rationalize=64` would round to multiples of 1/64.
"""),
    code("""
net = symnet.from_torch(model)
print(repr(net))
p = symnet.expand(net, 3)                        # series mode: NN2Poly's polynomial
t = symnet.expand(net, 3, mode="taylor")         # the exact Taylor polynomial at 0
print(symnet.latex(p, environment=None, digits=3, order_term=False))
print(symnet.latex(t, environment=None, digits=3, order_term=False))
"""),
    md("""
The network learned `x1 - x1 x2 + x2^2/2`; the coefficients of both polynomials show how well:
"""),
    code("""
x1, x2 = net.inputs
print(f"{'monomial':>8} {'series':>8} {'taylor':>8} {'target':>7}")
for mono, want in [(1, 0), (x1, 1), (x2, 0), (x1 * x2, -1), (x1**2, 0), (x2**2, 0.5),
                   (x1**3, 0)]:
    print(f"{str(mono):>8} {p.coeff(mono):8.4f} {t.coeff(mono):8.4f} {want:7}")
"""),
    md("## Network against polynomial"),
    code("""
X_test = rng.uniform(-1, 1, size=(400, 2))
for q in (1, 3, 5, 7, 9):
    e_s = np.abs(net(X_test)[:, 0] - symnet.expand(net, q)(X_test)).max()
    e_t = np.abs(net(X_test)[:, 0] - symnet.expand(net, q, mode="taylor")(X_test)).max()
    print(f"order {q}: max |net - p| series {e_s:.2e}, taylor {e_t:.2e}")
"""),
    code("""
symnet.plot_diagonal(net, symnet.expand(net, 7), X_test)
"""),
    code("""
symnet.plot_coefficients(symnet.expand(net, 4), top=12)
"""),
    code("""
from matplotlib.figure import Figure
fig = Figure(figsize=(10, 3.8), layout="constrained")
a, b = fig.subplots(1, 2, sharey=True)
symnet.plot_error_vs_order(net, range(1, 10), X_test, ax=a, title="series mode (NN2Poly)")
symnet.plot_error_vs_order(net, range(1, 10), X_test, mode="taylor", ax=b,
                           title="Taylor mode at 0")
fig
"""),
    md("""
## Exact coefficients

Rounded to multiples of 1/1024, the weights are exact rationals and so is every coefficient.
"""),
    code("""
pe = symnet.expand(symnet.from_torch(model, rationalize=1024), 3)
print(pe.domain)
pe.coeff(x1 * x2), float(pe.coeff(x1 * x2))
"""),
    md("""
## From a state file, on the command line

A `state_dict` saved with `torch.save` loads with `torch.load(..., weights_only=True)` (nothing
else is unpickled); the architecture's activations are given by name.
"""),
    code("""
import os, sys, tempfile
path = os.path.join(tempfile.mkdtemp(), "model.pt")
torch.save(model.state_dict(), path)
assert symnet.load_torch(path, activations="tanh,identity") == net
!{sys.executable} -m symnet expand {path} --activations tanh,identity --order 3 --format csv
"""),
]

PDE = [
    md("""
# PDE constraints of trees, neurons and ridge sums

A function computed by a hierarchical architecture satisfies algebraic PDEs that depend only on
the architecture (Filom, Farhoodi and Kording 2021). symnet generates them and checks them
exactly: *satisfied* is a proof, *violated* comes with an exact witness.
"""),
    code("""
import sympy
import symnet
from symnet import Tree, Neuron, RidgeSum, check_pde, pde_constraints

x, y, z, w = sympy.symbols("x y z w")
t = Tree("((x,y),z)")
cons = pde_constraints(t)
cons
"""),
    code("""
print(symnet.latex(cons))
print(symnet.latex(symnet.nonsingularity_conditions(t)))
"""),
    md("""
## Trees

`g(h(x, y), z)` satisfies `F_x F_yz - F_y F_xz = 0`; a function that mixes all three inputs
does not, and the check returns an exact witness.
"""),
    code("""
print(check_pde(sympy.exp(x * y) + sympy.sin(x * y) * z, t))
"""),
    code("""
print(check_pde(x * y + y * z + x * z, t))
"""),
    code("""
r = check_pde(sympy.exp(x * y) * sympy.sin(z + w) + x * y, Tree("((x,y),(z,w))"))
r.satisfied, r.representable, r.decomposition
"""),
    md("## A single neuron"),
    code("""
print(check_pde(sympy.tanh(2 * x - 3 * y + z + 1), Neuron([x, y, z])))
"""),
    md("""
## Ridge sums: one hidden layer

A network with one hidden layer of `m` neurons and a linear output on two inputs computes a sum
of `m` ridge functions. symnet proves the constraints for the network itself and recovers the
directions of its hidden neurons.
"""),
    code("""
net = symnet.Network.dense([[[3, -2], [1, 4]], [[1, -sympy.Rational(4, 5)]]], activations="tanh")
print(net)
r = check_pde(net, RidgeSum(2, net.inputs))
print(r)
"""),
    md("""
The directions are the weight rows `(w1, w2)` up to scale (as `(1, w2/w1)`): `(3, -2)` and
`(1, 4)`. A function with complex directions satisfies the constraints but is not a real ridge
sum:
"""),
    code("""
r = check_pde(x**4 - 6 * x**2 * y**2 + y**4, RidgeSum(2, (x, y)))
r.satisfied, r.representable, r.representable_reason
"""),
    md("""
## Equations on polynomial coefficients

For polynomials, the constraints become polynomial equations on the coefficients (a variety):
"""),
    code("""
symnet.variety_equations("((x,y),z)", 2)
"""),
    md("""
The same from the command line: `symnet pde "EXPR" --tree SPEC` (exit code 0 satisfied,
3 violated, 4 undecided).
"""),
    code("""
import sys
!{sys.executable} -m symnet pde "exp(x*y) + z" --tree "((x,y),z)"
"""),
]

PROPERTY = [
    md("""
# Property-based testing of identities

A conjecture about networks ("every network of this shape satisfies ...") can be tested on
thousands of random exact networks with [hypothesis](https://hypothesis.readthedocs.io), which
then *shrinks* a counterexample to the smallest network that still breaks it.
`symnet.strategies` provides the strategies (networks, weights, activations, polynomials, trees,
functions computed on trees, sums of ridge functions) and `symnet.testing` the assertions,
whose messages name the first differing monomial. hypothesis is a test dependency, so the
strategies are imported explicitly: `from symnet import strategies as sst`.
"""),
    code("""
import sympy
from hypothesis import Phase, given, settings, strategies as st

import symnet
from symnet import check_pde, expand
from symnet import strategies as sst
from symnet.testing import assert_expansion_matches, assert_polynomials_equal

# this notebook's runs: reproducible, no example database, and no slow "explain" phase
DEMO = settings(max_examples=50, deadline=None, database=None, derandomize=True,
                phases=[Phase.generate, Phase.shrink])
print("hypothesis strategies for", [name for name in sst.__all__ if name.islower()])
"""),
    md("""
## What the strategies draw

`sst.networks()` draws small dense networks with exact rational weights (denominators up to 4,
|w| <= 2), one activation per hidden layer and a linear output. Every argument narrows it:
here two inputs named `x, y` and one hidden layer of two neurons. Shrinking goes toward fewer
inputs, fewer and narrower layers, weights toward 0 and simpler activations: `identity`,
`square`, `tanh`, `sigmoid`, ... in that order.
"""),
    code("""
drawn = []

@settings(DEMO, max_examples=6)
@given(sst.networks(inputs="x y", depth=1, widths=2))
def collect(net):
    drawn.append(net)

collect()
for net in drawn[1:4]:
    print(repr(net))
    print(net, end="\\n\\n")
"""),
    md("""
The other strategies, one drawn value each. Because symnet registers its types with
hypothesis (through hypothesis' entry point, as soon as symnet is installed),
`st.from_type(symnet.Network)` and `st.builds(...)` of classes annotated with symnet types
work too.
"""),
    code("""
def one(strategy, skip=3):
    # the value drawn after `skip` others (reproducible)
    values = []

    @settings(DEMO, max_examples=skip + 1)
    @given(strategy)
    def draw(value):
        values.append(value)

    draw()
    return values[-1]

print("weight:        ", one(sst.weights()))
print("polynomial:    ", one(sst.polynomials("x y", 2)))
tree = one(sst.trees("x y z w"), skip=4)
print("tree:          ", tree)
print("on that tree:  ", one(sst.tree_functions(tree)))
print("2 ridges:      ", one(sst.ridge_sums(2, "x y")))
print("from_type:     ", repr(one(st.from_type(symnet.Network))))
"""),
    md("""
## A true identity

An odd activation with zero biases gives an odd polynomial: every monomial of the expansion has
odd total degree. hypothesis checks it on 50 networks with `tanh`, `sin` or `erf` layers.
"""),
    code("""
@DEMO
@given(net=sst.networks(activations=["tanh", "sin", "erf"], biases=0), order=st.integers(0, 5))
def odd_in_odd_out(net, order):
    p = expand(net, order)
    assert all(sum(e) % 2 == 1 for e in p.terms()), p

odd_in_odd_out()
print("odd_in_odd_out: no counterexample in 50 networks")
"""),
    md("""
## A false conjecture: "series mode equals Taylor mode"

Series mode (the NN2Poly polynomial) replaces every activation by its Maclaurin polynomial and
substitutes the whole pre-activation into it; Taylor mode is the exact Taylor polynomial of the
network at 0. A reasonable-sounding conjecture is that they agree. hypothesis disagrees, and
shrinks its counterexample before reporting it (orders from 2 on, so that polynomial activations
are not truncated).
"""),
    code("""
found = []

@DEMO
@given(net=sst.networks(), order=st.integers(2, 4))
def series_equals_taylor(net, order):
    found.append((net, order))
    assert_polynomials_equal(expand(net, order), expand(net, order, mode="taylor"))

try:
    series_equals_taylor()
except AssertionError as err:
    print(*err.__notes__, sep="\\n")
    print(f"{type(err).__name__}: {err}")

net, order = found[-1]          # the last call replays the shrunk counterexample
print(net)
"""),
    md("""
The smallest counterexample is one neuron fed by a constant: a bias. Series mode substitutes
the constant into the Maclaurin polynomial of `tanh` (`z - z**3/3 + ...`, truncated at degree
`order`), while the exact Taylor polynomial has `tanh(1)` itself:
"""),
    code("""
print("series:", expand(net, order))
print("taylor:", expand(net, order, mode="taylor"))
"""),
    md("""
## Refining the conjecture

Without biases? hypothesis finds the next counterexample at once: an activation that is not
zero at 0 (here `sigmoid(0) = 1/2`) acts as a bias for the next layer.
"""),
    code("""
found = []

@DEMO
@given(net=sst.networks(biases=0), order=st.integers(2, 4))
def no_biases(net, order):
    found.append(net)
    assert_polynomials_equal(expand(net, order), expand(net, order, mode="taylor"))

try:
    no_biases()
except AssertionError as err:
    print(*err.__notes__, sep="\\n")
    print(f"{type(err).__name__}: {err}")
print(found[-1])
"""),
    md("""
With zero biases and activations that vanish at 0, every pre-activation has no constant term,
truncating at each step is exact, and the conjecture holds:
"""),
    code("""
@DEMO
@given(net=sst.networks(biases=0, activations=["identity", "square", "tanh", "sin", "erf",
                                               "silu", "gelu"]),
       order=st.integers(0, 4))
def series_equals_taylor_without_constants(net, order):
    assert_polynomials_equal(expand(net, order), expand(net, order, mode="taylor"))

series_equals_taylor_without_constants()
print("no counterexample in 50 networks")
"""),
    md("""
## Conjectures about architectures

`sst.tree_functions(tree)` draws smooth functions computed on a tree (compositions of sums,
products, `exp`, `sin`, `tanh`, ... of the children), so they satisfy the tree's PDE constraints.
Are they also computed on a different tree? The shrunk counterexample is as small as it gets:
"""),
    code("""
@DEMO
@given(sst.tree_functions("((x,y),z)"))
def also_on_another_tree(f):
    assert check_pde(f, "((x,z),y)").satisfied, f

try:
    also_on_another_tree()
except AssertionError as err:
    print(*err.__notes__, sep="\\n")
print(check_pde(sympy.sympify("z*(x + y)"), "((x,z),y)"))
"""),
    md("""
## In a test suite

The same tests run under pytest; symnet's own suite proves its identities this way
(`tests/test_identities.py`), with small budgets by default and more examples under
`--hypothesis-profile=ci`. `assert_expansion_matches(net, order)` checks symnet's expansion of a
small network against an independent computation in plain sympy:
"""),
    code("""
@settings(DEMO, max_examples=20)
@given(net=sst.networks(inputs=(1, 2), widths=(1, 2)), order=st.integers(0, 3))
def test_expand_agrees_with_plain_sympy(net, order):
    assert_expansion_matches(net, order)

test_expand_agrees_with_plain_sympy()
print("symnet.expand agrees with plain sympy on 20 networks")
"""),
]


IMPORTERS = [
    md("""
# Models from scikit-learn and ONNX

`symnet.from_sklearn` reads a fitted `MLPRegressor` / `MLPClassifier` (and a `Pipeline` of
scalers in front of it); `symnet.from_onnx` reads an ONNX graph with the `onnx` package, without
executing it. Both give an ordinary `symnet.Network`: float64 weights by default, exact
rationals with `exact=True`. (`symnet.from_keras` reads `.keras` files the same way.)
"""),
    code("""
import warnings
import numpy as np
import symnet
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

rng = np.random.RandomState(0)
X = rng.normal(size=(400, 2)) * [1.0, 3.0] + [0.0, 5.0]     # features on different scales
y = (X[:, 0] + (X[:, 1] - 5) / 3 > 0).astype(int)
pipe = make_pipeline(StandardScaler(),
                     MLPClassifier(hidden_layer_sizes=(4,), activation="tanh", max_iter=300,
                                   random_state=0))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")                       # the solver may not fully converge
    pipe.fit(X, y)
net = symnet.from_sklearn(pipe)      # the scaler is folded into the first layer, exactly
print(repr(net))
T = rng.normal(size=(1000, 2)) * [1.0, 3.0] + [0.0, 5.0]
print("max |net(X) - predict_proba(X)[:, 1]| =",
      np.abs(net(T)[:, 0] - pipe.predict_proba(T)[:, 1]).max())
"""),
    md("""
A binary classifier's network ends with the sigmoid: its output is the probability of
`classes_[1]`. Its polynomial around the centre of the data (Taylor mode, exact at the point):
"""),
    code("""
p = symnet.expand(net, 2, mode="taylor", at=[0.0, 5.0])
print(p)
"""),
    md("""
symnet has no softmax activation: a multi-class classifier becomes the network of its *logits*
(one output per class), and the network records it. The probabilities are `softmax(net(X))`.
"""),
    code("""
y3 = np.digitize(X[:, 0], [-0.5, 0.5])                     # three classes
clf = MLPClassifier(hidden_layer_sizes=(5,), activation="tanh", max_iter=300, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    clf.fit(X, y3)
logits = symnet.from_sklearn(clf)
print(logits.graph.graph["output_activation"], logits.graph.graph["classes"])
Z = logits(T)
P = np.exp(Z - Z.max(axis=1, keepdims=True))
P /= P.sum(axis=1, keepdims=True)
print("max |softmax(net(X)) - predict_proba(X)| =", np.abs(P - clf.predict_proba(T)).max())
"""),
    md("""
## An ONNX graph

Here built with `onnx.helper` (an export from PyTorch, Keras or scikit-learn converters reads the
same way): a normalisation `(x - mean) / std`, a `Gemm`, the erf form of GELU as exporters write
it, and a last `Gemm`. The normalisation is folded into the first layer and the GELU subgraph is
recognised as symnet's `gelu`.
"""),
    code("""
import onnx
from onnx import TensorProto, helper, numpy_helper

def const(name, value):
    return numpy_helper.from_array(np.asarray(value, dtype=np.float32), name)

w = np.random.RandomState(1)
inits = [const("mean", [0.0, 5.0]), const("std", [1.0, 3.0]),
         const("W1", w.normal(size=(3, 2)) / 2), const("b1", w.normal(size=3) / 4),
         const("W2", w.normal(size=(1, 3))), const("b2", [0.1]),
         const("sqrt2", 1.4142135), const("one", 1.0), const("half", 0.5)]
nodes = [helper.make_node("Sub", ["x", "mean"], ["c"]),
         helper.make_node("Div", ["c", "std"], ["n"]),
         helper.make_node("Gemm", ["n", "W1", "b1"], ["z"], transB=1),
         helper.make_node("Div", ["z", "sqrt2"], ["zs"]),
         helper.make_node("Erf", ["zs"], ["e"]),
         helper.make_node("Add", ["e", "one"], ["e1"]),
         helper.make_node("Mul", ["z", "e1"], ["ze"]),
         helper.make_node("Mul", ["ze", "half"], ["h"]),
         helper.make_node("Gemm", ["h", "W2", "b2"], ["y"], transB=1)]
graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                                        ["N", 2])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])],
                          inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx_net = symnet.from_onnx(model)
print(repr(onnx_net))
from onnx.reference import ReferenceEvaluator            # onnx's own (float32) evaluator
ref = ReferenceEvaluator(model).run(None, {"x": T.astype(np.float32)})[0]
print("max |net(X) - onnx reference| =", np.abs(onnx_net(T) - ref).max())
"""),
    md("""
`exact=True` keeps every float32 weight's exact binary value and folds the normalisation in
exact arithmetic, so the polynomial has exact rational coefficients (and `1/sqrt(2*pi)` from
the GELU):
"""),
    code("""
exact_net = symnet.from_onnx(model, exact=True)
q = symnet.expand(exact_net, 2)
print("domain:", q.domain, "| terms:", q.nterms)
print(symnet.coefficient_table(q, top=3, digits=4))
"""),
    md("""
The command line reads `.onnx` and `.keras` files too (pickled scikit-learn models only with
`--trust-pickle`: unpickling can run code):
"""),
    code("""
import os, tempfile
from symnet.cli import main

path = os.path.join(tempfile.mkdtemp(), "mlp.onnx")
onnx.save_model(model, path)
main(["expand", path, "--order", "2", "-f", "csv", "--quiet"])
"""),
]


SUPERSPACE = [
    md("""
# Super Space: networks as regression on monomial features

Chiang (arXiv 2305.00663): give every monomial `x^alpha` of the inputs its own coordinate (the
**Super Space**). A neuron `sigma(b + w.x)` is then a (Super) plane: a linear combination of
monomials. A regression network is linear regression in the Super Space, a classifier is logistic
regression in it, and **training is equation solving**: with symbolic weights `W` the network's
coefficients `c_alpha(W)` are polynomials in `W`, and matching a target polynomial `t` means
solving `c_alpha(W) = t_alpha`.

This notebook: XOR (features, a classifier, the exact equations of a network that computes it),
then a small regression from data to polynomial to weights.
COMPRESSION = [
    md("""
# Compression: a trained network as a small polynomial, with a certified error

Following Chiang, every activation of a trained network is replaced by a polynomial *surrogate*
fitted on the range its pre-activations really take; the network then expands, exactly, into a
polynomial of its inputs with a few dozen coefficients instead of a thousand parameters.

symnet certifies every step: each surrogate's max error is a rigorous upper bound (ball
arithmetic on a subdivision, never a sample), the pre-activation ranges on the input box are
certified, and the compressed polynomial comes with a certified bound on its error over the box.
"""),
    md("""
## Surrogates of one activation

`symnet.approximate(name, (lo, hi), degree, method=...)` returns exact rational coefficients in the
original variable x and a certified max error. The best uniform (minimax) and least-squares (L2)
approximations of ReLU on [-1, 1] are known in closed form and come out exactly:
"""),
    code("""
import numpy as np
import sympy
import symnet
from symnet import Network, expand
from symnet.fit import (monomial_features, SuperSpaceRegressor, SuperSpaceClassifier,
                        coefficient_equations, solve_weights, fit_network)
R = sympy.Rational
symnet.fit.__all__
"""),
    md("""
## XOR: the features

Inputs in {-1, 1}. The columns are every monomial of degree <= 2 in the package's order.
Exact inputs give exact features (a python-flint `fmpq_mat`).
"""),
    code("""
X = [[-1, -1], [-1, 1], [1, -1], [1, 1]]
y = [0, 1, 1, 0]
F, mons = monomial_features(X, 2)
print(mons)
print(F)
print("rank", F.rank(), "of", len(mons), "columns")
"""),
    md("""
On these four points `x1**2 = x2**2 = 1`: the features have rank 4, so least squares cannot
determine a polynomial of degree 2. The regressor says so instead of returning one of infinitely
many answers:
"""),
    code("""
try:
    SuperSpaceRegressor(2).fit(X, y)
except symnet.SymnetError as e:
    print(type(e).__name__ + ":", e)
"""),
    md("""
## XOR: a linear classifier in the Super Space

Order 1 (the inputs themselves) cannot separate XOR; order 2 can, through the `x1*x2`
column. The fitted log-odds polynomial shows it.
"""),
    code("""
import warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)
    print("order 1 accuracy:", SuperSpaceClassifier(1).fit(X, y).score(X, y))
clf = SuperSpaceClassifier(2, ridge=1e-2).fit(X, y)
print("order 2 accuracy:", clf.score(X, y))
print("log-odds:", clf.polynomial_)
"""),
    md("""
## XOR: a network from its equations

On {-1, 1}^2, XOR is the polynomial `t = (1 - x1*x2)/2`. Take a network with two hidden
`square` units and no hidden biases, `a1*(w11 x1 + w12 x2)**2 + a2*(w21 x1 + w22 x2)**2 + c`,
and ask which weights make its coefficients equal `t`'s:
"""),
    code("""
w11, w12, w21, w22, a1, a2, c = sympy.symbols("w11 w12 w21 w22 a1 a2 c")
x1, x2 = sympy.symbols("x1 x2")
template = Network.dense([[[w11, w12], [w21, w22]], [[a1, a2]]], biases=[[0, 0], [c]],
                         activations=["square", "identity"], inputs=[x1, x2])
t = (1 - x1 * x2) / 2
for eq in coefficient_equations(template, t, 2):
    print(eq)
"""),
    code("""
sol = solve_weights(template, t, 2)
print(sol)
sol
"""),
    md("""
A positive-dimensional family (the hidden units can be rescaled and swapped). Pick values of the
free weights, substitute, and the network computes XOR exactly on the four points:
"""),
    code("""
family = sol.solutions[0]
choice = {w11: 1, w12: 1, w21: 1, w22: -1}
weights = {u: sympy.simplify(v.subs(choice)) for u, v in family.items()}
print(weights)
xor_net = template.subs(weights)
print(xor_net)
print([xor_net.expr().subs({x1: p, x2: q}) for p, q in X])
"""),
    md("""
## The worked example: every solution, and the symmetry

`a*tanh(w*x) + c` against `t(x) = 2x - (2/3)x**3` at order 3: `c = 0`, `a*w = 2`,
`-a*w**3/3 = -2/3`. Two solutions, one orbit of the odd symmetry `tanh(-z) = -tanh(z)`.
"""),
    code("""
a, w, c0, x = sympy.symbols("a w c x")
net1 = Network.dense([[[w]], [[a]]], biases=[[0], [c0]], inputs=[x],
                     activations=["tanh", "identity"])
res = solve_weights(net1, 2*x - R(2, 3)*x**3, 3)
print(res)
res.solutions
"""),
    md("""
## A small regression: data -> polynomial -> weights

Noisy samples of a function of two inputs. Step 1 fits the polynomial of degree <= 5 by least
squares on the 21 monomial features (QR/SVD for float data, never the normal equations).
"""),
    code("""
rng = np.random.default_rng(0)
Xr = rng.uniform(-1, 1, (300, 2))
yr = 1.5 * np.tanh(0.8 * Xr[:, 0] - 0.5 * Xr[:, 1] + 0.1) + 0.2 + 0.01 * rng.normal(size=300)
reg = SuperSpaceRegressor(5, inputs="x1 x2").fit(Xr, yr)
print("R^2 =", round(reg.score(Xr, yr), 6))
print(reg.polynomial_)
"""),
    md("""
Step 2 solves the coefficient equations of a template for its weights. `fit_network` does both
steps; its numeric solve (multi-start Levenberg-Marquardt) minimises the data error of the
network's polynomial, reports the orbit of the best weights under the architecture's
symmetries, and gives the network.
"""),
    code("""
template2 = Network.mlp([2, 1, 1], activation=["tanh", "identity"])
eqs = coefficient_equations(template2, reg.polynomial_, 5)
print(len(eqs), "equations, for example:")
print(eqs[1])
fit = fit_network(template2, Xr, yr, 5, starts=16)
print(fit)
"""),
    code("""
fit.network
"""),
    md("""
## Recovering a planted network

The coefficients of a random 2-3-1 tanh network (13 weights) at order 7 (36 equations) determine
its weights up to the 3! * 2^3 = 48 symmetries; the numeric solve finds the orbit and lists all
48 members in `.solutions`.
"""),
    code("""
planted = Network.dense([[[0.7, -0.4], [0.2, 0.9], [-0.6, -0.3]], [[1.1, -0.8, 0.5]]],
                        [[0.1, -0.2, 0.3], [0.05]], activations=["tanh", "identity"])
template3 = Network.mlp([2, 3, 1], activation=["tanh", "identity"])
rec = solve_weights(template3, planted, 7, method="numeric", starts=24)
print(rec.status, "| orbits:", len(rec.orbits), "| orbit size:", rec.orbits[0].size,
      "| solutions listed:", len(rec.solutions), "| re-expansion error:",
      f"{rec.orbits[0].check:.1e}")
Xt = rng.uniform(-1, 1, (5, 2))
print(np.abs(rec.network(0)(Xt) - planted(Xt)).max())
RELU = [
    md("""
# ReLU networks as exact piecewise-linear maps

A network with relu (leaky_relu, hardtanh, identity) activations computes a continuous
piecewise-linear function. `symnet.piecewise` finds every linear region exactly: its activation
pattern, its inequalities and vertices, an exact interior point and the exact affine map on it.
Everything is a rational number; float weights would be taken at their exact binary value.
"""),
    code("""
import sympy
import symnet
from symnet import Network

R = sympy.Rational
net = Network.dense(
    [[[1, R(1, 2)], [R(-1, 2), 1], [1, -1], [R(1, 4), 1]],     # 4 relu units on 2 inputs
     [[1, -1, R(1, 2), 1], [R(-1, 2), 1, 1, 0]],               # 2 relu units
     [[1, -1]]],                                               # one output
    biases=[[0, R(1, 4), R(-1, 2), R(1, 2)], [R(-1, 4), 0], [0]],
    activations=["relu", "relu", "identity"])
pw = symnet.piecewise(net, box=[(-1, 1), (-1, 1)])
pw
"""),
    md("""
## The regions

Each region is coloured; the black line is the decision boundary `f(x) = 0`, drawn exactly
(one segment per region it crosses).
"""),
    code("""
pw.plot(level=0, figsize=(5, 4.5));
"""),
    code("""
r = max(pw.regions, key=lambda r: r.volume())      # the largest region
print("pattern:", r.pattern, "(one piece per unit:", pw.units, ")")
M, c = r.affine
print("f(x) = M x + c with M =", M.tolist(), "c =", c.T.tolist())
A, b = r.inequalities
print("A x <= b:", A.tolist(), b.T.tolist())
print("vertices:", r.vertices)
print("interior point:", r.interior_point, "area:", r.volume())
"""),
    md("""
## Closed form

`as_piecewise()` is a sympy `Piecewise` in the inputs, exact on the whole closed box
(boundary points go to the region a step toward the box centre enters); `sympy.latex` gives
a `cases` environment. Merging adjacent regions with the same affine map gives the *pieces*.
"""),
    code("""
pieces = pw.merged()
print(len(pw), "regions,", len(pieces), "pieces")
pieces
"""),
    code("""
print(sympy.latex(pw)[:400], "...")
"""),
    code("""
c = symnet.count_regions(net, box=[(-1, 1), (-1, 1)])
print(c.exact, "regions; upper bounds:", c.bounds)
"""),
    md("""
## A construction

`symnet.constructions` builds networks for given piecewise-linear functions; `piecewise` of the
result is exactly the function asked for. The tent map composed 4 times has 16 pieces on
[0, 1] from 8 units.
"""),
    code("""
from symnet.constructions import sawtooth, interpolant_1d
saw = symnet.piecewise(sawtooth(4), box=[(0, 1)])
print(len(saw), "pieces, breakpoints", saw.breakpoints[:5], "...")
hat = symnet.piecewise(interpolant_1d([0, 1, 2], [0, 1, 0]))
hat.as_piecewise()
"""),
    code("""
saw.plot(figsize=(5, 2.5));
"""),
    md("""
## Equivalence and the canonical form

Permuting hidden units, or scaling a relu unit's incoming weights by a > 0 and its outgoing
weights by 1/a, leaves the function unchanged. `equivalent` proves it exactly (it checks every
region of the common refinement); a different network gets an exact witness point.
`canonical` removes the redundancy: both copies get the same canonical network.
"""),
    code("""
(W1, W2, W3), (b1, b2, b3) = ([list(map(list, W)) for _, W, _ in net.dense_layers()],
                              [list(b) for _, _, b in net.dense_layers()])
perm = [2, 0, 3, 1]
W1p = [[3 * w for w in W1[i]] for i in perm]            # scale every unit by 3 ...
b1p = [3 * b1[i] for i in perm]
W2p = [[row[i] / 3 for i in perm] for row in W2]        # ... and its outgoing weights by 1/3
copy = Network.dense([W1p, W2p, W3], [b1p, b2, b3], activations=["relu", "relu", "identity"])
print(symnet.equivalent(net, copy, box=[(-1, 1), (-1, 1)]))
print(symnet.canonical(net) == symnet.canonical(copy))
"""),
    code("""
W2q = [row[:] for row in W2p]; W2q[0][0] += R(1, 100)
other = Network.dense([W1p, W2q, W3], [b1p, b2, b3], activations=["relu", "relu", "identity"])
res = symnet.equivalent(net, other, box=[(-1, 1), (-1, 1)])
print(res.equal, res.witness)
from symnet import approximate

for method in ("minimax", "l2"):
    for degree in (1, 2):
        ap = approximate("relu", (-1, 1), degree, method=method)
        print(f"{method:8} degree {degree}:  p(x) = {str(ap.expr):26} "
              f"max |relu - p| = {ap.max_error.as_rational()}")
print("equioscillation of the degree-1 minimax:", approximate("relu", (-1, 1), 1).equioscillation)
"""),
    md("""
For tanh on [-3, 3] the methods differ: minimax (Remez exchange) has the smallest max error and
equioscillates, Chebyshev interpolation is close, the L2 projection is best on average but worst
at the ends (Taylor at the midpoint is not plotted: beyond tanh's radius of convergence pi/2 its
error is in the hundreds). `error_curve()` gives the error for plots; the dashed lines are the
certified bound.
"""),
    code("""
%matplotlib inline
from matplotlib.figure import Figure

fig = Figure(figsize=(10, 3.2), layout="constrained")
axes = fig.subplots(1, 2)
for method in ("minimax", "chebyshev", "l2"):
    ap = approximate("tanh", (-3, 3), 9, method=method)
    x, e = ap.error_curve()
    axes[0].plot(x, e, label=f"{method}: <= {float(ap.max_error):.1e}")
axes[0].set_title("tanh - p on [-3, 3], degree 9")
axes[0].legend(fontsize=8)
mm = approximate("tanh", (-3, 3), 9)
mm.plot(ax=axes[1])
xs = [float(x) for x, _ in mm.equioscillation]
axes[1].plot(xs, [e for _, e in mm.equioscillation], "o", ms=4)
axes[1].set_title(f"minimax: {len(xs)} alternating extrema")
print(mm)
fig
"""),
    code("""
print(symnet.latex(mm))        # the surrogate and its certified error, for a paper
"""),
    md("""
## A trained network

A 3-input `tanh` 16-16 regression network, trained with PyTorch on a smooth target.
"""),
    code("""
import torch

torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, size=(1024, 3))
y = np.sin(2 * X[:, 0]) * X[:, 1] + 0.5 * X[:, 2] ** 2

model = torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.Tanh(),
                            torch.nn.Linear(16, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
Xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)[:, None]
for step in range(600):
    opt.zero_grad()
    loss = torch.mean((model(Xt) - yt) ** 2)
    loss.backward()
    opt.step()
net = symnet.from_torch(model)
print(repr(net), f"| {net.n_parameters} parameters | training MSE {loss.item():.1e}")
"""),
    md("""
## Surrogates where the network works

`fit_surrogates` takes the certified pre-activation ranges of every layer over the input box
and fits one surrogate per layer on an interval covering them; the result is what
`expand(net, order, surrogate=...)` accepts.
"""),
    code("""
from symnet.approximation import fit_surrogates, surrogate_error_bound

box = [(-1, 1)] * 3
surs = fit_surrogates(net, box=box, degree=5)
print(surs)
b = surrogate_error_bound(net, surs, box)
print(b)
"""),
    md("""
## Compress

`compress` expands with the surrogates (exactly), truncates at `order`, and reports the sizes and
errors. The certified error adds the propagated surrogate error and the truncation (the surrogate
network's full expansion minus the polynomial, bounded on the box); the measured errors are on the
training inputs. With `terms=K` only the K largest monomials are kept and refitted by least
squares.
"""),
    code("""
from symnet import compress

full = compress(net, box=box, data=X, degree=5, order=5, name="degree 5")
small = compress(net, box=box, data=X, degree=5, order=5, terms=12, name="12 terms")
print(full)
print()
print(small)
"""),
    code("""
print(small.polynomial)
"""),
    md("## The report as a LaTeX table"),
    code("""
print(full.latex_table(small))
"""),
    md("""
## Network against polynomials

Along the diagonal of the box, and the error over the data: the certified bound holds
everywhere on the box, the measured errors are what the data see.
"""),
    code("""
t = np.linspace(-1, 1, 201)
line = np.column_stack([t, t, t])
fig = Figure(figsize=(10, 3.2), layout="constrained")
axes = fig.subplots(1, 2)
axes[0].plot(t, net(line)[:, 0], label="network", lw=2)
axes[0].plot(t, full.polynomial(line), "--", label=f"{full.coefficients} coefficients")
axes[0].plot(t, small.polynomial(line), ":", label=f"{small.coefficients} coefficients (refit)")
axes[0].set_xlabel("x1 = x2 = x3")
axes[0].legend(fontsize=8)
for c in (full, small):
    axes[1].hist(net(X)[:, 0] - c.polynomial(X), bins=40, alpha=0.6, label=c.name)
axes[1].set_title("error on the data")
axes[1].legend(fontsize=8)
print(f"certified bounds on the box: {full.certified_error:.3g} (degree 5), "
      f"{small.certified_error:.3g} (12 terms)")
fig
"""),
]


NOTEBOOKS = {
    "01_quickstart.ipynb": QUICKSTART,
    "02_torch_model.ipynb": TORCH,
    "03_pde_constraints.ipynb": PDE,
    "04_property_testing.ipynb": PROPERTY,
    "05_relu.ipynb": RELU,
    "06_compression.ipynb": COMPRESSION,
    "07_super_space.ipynb": SUPERSPACE,
    "08_importers.ipynb": IMPORTERS,
}


def build(name, cells, execute=True):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    if execute:
        from nbclient import NotebookClient
        # the kernel imports symnet from this checkout (not from wherever it is installed)
        root = os.path.dirname(HERE)
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
        t0 = time.time()
        client = NotebookClient(nb, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": HERE}})
        client.km = client.create_kernel_manager()
        spec = client.km.kernel_spec
        spec.argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        # the kernel imports symnet from this checkout, whatever is installed
        root = os.path.dirname(HERE)
        spec.env = {"PYTHONPATH": os.pathsep.join(
            p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
        spec.env = {"PYTHONPATH": os.pathsep.join(   # this checkout's symnet
            [os.path.dirname(HERE)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
        client.execute()
        print(f"{name}: executed in {time.time() - t0:.1f} s")
    nbformat.write(nb, os.path.join(HERE, name))


if __name__ == "__main__":
    which = sys.argv[1:]
    for name, cells in NOTEBOOKS.items():
        if not which or any(name.startswith(w) for w in which):
            build(name, cells)

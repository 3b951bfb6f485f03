"""The exact engine: graded components in python-flint.

Every polynomial is a list of its homogeneous components ``P_0 .. P_Q`` (in
the inputs), each a ``fmpq_mpoly`` over ``QQ[x_1..x_n, p_1..p_m]``.  The
``p_j`` are *parameters*: symbols in the weights, exact constants such as
``log(2)`` from an activation's series, or (in Taylor mode) the values
``tanh(c0)`` a neuron needs.  They are generators of the ring, so irrational
constants never fall back to generic expression arithmetic; products of
components never produce a term above the order, so no truncation step
exists.

Examples
--------
>>> from symnet import Network, expand
>>> print(expand(Network.dense([[[1, 1]]], activations=["sigmoid"]), 2))
1/2 + x1/4 + x2/4 + O(|(x1, x2)|**3)
"""

from __future__ import annotations

import flint
import sympy
from sympy.polys.polyutils import parallel_dict_from_expr

from ..errors import DomainError, NonAnalyticActivationError
from .contexts import RingContext
from .graded import activate

__all__ = ["Ring", "make_ring", "ExactAlgebra", "ExactEngine"]


class Ring:
    """``QQ[x_1..x_n, p_1..p_m]`` with the parameters' sympy values.

    ``extra`` spare parameter slots are reserved for values found while
    expanding (Taylor mode: ``tanh(c0)`` of each neuron); :meth:`param`
    fills them, reusing a slot when the same value comes again.

    Examples
    --------
    >>> import sympy
    >>> from symnet.engines.exact import Ring
    >>> R = Ring(1, [sympy.log(2)])
    >>> R.to_sympy(R.slots[0] * 2)
    2*log(2)
    """

    def __init__(self, nvars, params, extra=0):
        self.n = nvars
        self.params = list(params)
        nslots = len(self.params) + extra
        names = tuple(f"x{i}" for i in range(nvars)) + tuple(f"p{i}" for i in range(nslots))
        if not names:
            names = ("x0",)
        self.ctx = flint.fmpq_mpoly_ctx.get(names, "deglex")
        gens = self.ctx.gens()
        self.xs = gens[:nvars]
        self.slots = gens[nvars:nvars + nslots]
        self.zero = self.ctx.constant(0)
        self.one = self.ctx.constant(1)
        self.nparam_slots = nslots
        self._index = {v: i for i, v in enumerate(self.params)}

    def param(self, value):
        """The generator standing for the sympy ``value`` (a new slot if new)."""
        i = self._index.get(value)
        if i is None:
            i = len(self.params)
            if i >= self.nparam_slots:  # pragma: no cover - slots are counted up front
                raise DomainError("the exact engine ran out of parameter slots (internal)")
            self.params.append(value)
            self._index[value] = i
        return self.slots[i]

    def element(self, value):
        """A ring element for an exact sympy number: fmpq if rational, else a parameter."""
        value = sympy.sympify(value)
        if value.is_Rational:
            return flint.fmpq(int(value.p), int(value.q))
        if value.is_Float:
            return flint.fmpq(*sympy.Rational(value).as_numer_denom())
        return self.param(value)

    def from_param_dict(self, d):
        """An element from ``{param exponents: Rational}``; an fmpq if constant."""
        if all(not any(e) for e in d):
            c = next(iter(d.values()), sympy.S.Zero)
            return flint.fmpq(int(c.p), int(c.q))
        pad = (0,) * self.n
        extra = (0,) * (self.nparam_slots - len(self.params))
        return self.ctx.from_dict({pad + tuple(e) + extra: flint.fmpq(int(c.p), int(c.q))
                                   for e, c in d.items()})

    def to_sympy(self, elem):
        """The sympy value of an element without input variables."""
        if elem is None:
            return sympy.S.Zero
        if isinstance(elem, flint.fmpq):
            return sympy.Rational(int(elem.p), int(elem.q))
        terms = []
        for exps, c in elem.to_dict().items():
            t = sympy.Rational(int(c.p), int(c.q))
            if any(exps[:self.n]):
                raise DomainError("internal: a constant term depends on the inputs")
            for v, e in zip(self.params, exps[self.n:]):
                if e:
                    t = t * v ** int(e)
            terms.append(t)
        return sympy.Add(*terms)


def _exactify(e):
    """Replace sympy Floats (and Python floats) by their exact binary value."""
    if isinstance(e, float):
        return sympy.Rational(e)
    floats = e.atoms(sympy.Float)
    if floats:
        e = e.xreplace({f: sympy.Rational(f) for f in floats})
    return e


def make_ring(nvars, exprs, extra=0):
    """A ring whose parameters cover every expression; returns (ring, elements).

    Rationals become fmpq constants and bare Symbols become generators
    directly; only other expressions go through sympy's generator search.

    Examples
    --------
    >>> import sympy
    >>> from symnet.engines.exact import make_ring
    >>> R, (a, b) = make_ring(1, [sympy.Rational(1, 2), sympy.Symbol("w")])
    >>> R.params, a
    ([w], 1/2)
    """
    exprs = [e if isinstance(e, sympy.Rational) else _exactify(sympy.sympify(e)) for e in exprs]
    syms = {}
    complex_ = []
    for e in exprs:
        if e.is_Symbol:
            syms.setdefault(e, None)
        elif not e.is_Rational:
            complex_.append(e)
    if complex_:
        reps, cgens = parallel_dict_from_expr(complex_)
    else:
        reps, cgens = [], ()
    gens = list(sorted(syms, key=lambda g: g.name))
    index = {g: i for i, g in enumerate(gens)}
    for g in cgens:
        if g not in index:
            index[g] = len(gens)
            gens.append(g)
    ring = Ring(nvars, gens, extra)
    m = len(gens)
    where = [index[g] for g in cgens]
    out, it = [], iter(reps)
    for e in exprs:
        if e.is_Rational:
            out.append(flint.fmpq(int(e.p), int(e.q)))
        elif e.is_Symbol:
            out.append(ring.slots[index[e]])
        else:
            d = {}
            for k, v in next(it).items():
                full = [0] * m
                for pos, p in zip(where, k):
                    full[pos] = p
                d[tuple(full)] = v if isinstance(v, sympy.Rational) else sympy.Rational(v)
            out.append(ring.from_param_dict(d))
    return ring, out


def _is_const(p):
    return isinstance(p, flint.fmpq)


def _len(p):
    return 1 if _is_const(p) else len(p)


def _nonzero(p):
    if p is None:
        return False
    return p != 0 if _is_const(p) else not p.is_zero()


def _prune(comps):
    return [c if _nonzero(c) else None for c in comps]


class ExactAlgebra:
    """Graded lists (None marks a zero component) of one neuron, for :mod:`.graded`.

    Examples
    --------
    >>> import flint
    >>> from symnet.engines.exact import ExactAlgebra
    >>> x = flint.fmpq_mpoly_ctx.get(("x",), "deglex").gens()[0]
    >>> A = ExactAlgebra(3)
    >>> V = [None, x, x**2, None]                                    # x + x**2
    >>> A.mul(V, V, 3, same=True), A.degrees(V)                     # truncated at degree 3
    ([None, None, x^2, 2*x^3], (1, 2))
    """

    def __init__(self, Q):
        self.Q = Q

    def degrees(self, V):
        ds = [d for d in range(1, len(V)) if V[d] is not None]
        return (ds[0], ds[-1]) if ds else (None, None)

    def size(self, X, d):
        c = X[d] if d < len(X) else None
        return 0 if c is None else _len(c)

    def est(self, V, d):
        return max(self.size(V, d), 1)

    def mul(self, X, Y, order, same=False):
        C = [None] * (self.Q + 1)
        for d1, a in enumerate(X):
            if a is None:
                continue
            for d2, b in enumerate(Y):
                if b is None:
                    continue
                d = d1 + d2
                if d > order:
                    break
                if same:
                    if d2 < d1:
                        continue
                    t = a * a if d1 == d2 else (a * b) * 2
                else:
                    t = a * b
                C[d] = t if C[d] is None else C[d] + t
        return _prune(C)

    def constant(self, D):
        return [D if _nonzero(D) else None] + [None] * self.Q

    def add_const(self, R, D):
        if _nonzero(D):
            R[0] = D if R[0] is None else R[0] + D
            if not _nonzero(R[0]):
                R[0] = None
        return R

    def axpy(self, H, P, D):
        for d, p in enumerate(P):
            if p is not None:
                t = p * D
                if H[d] is None:
                    H[d] = t if _nonzero(t) else None
                else:
                    t = H[d] + t
                    H[d] = t if _nonzero(t) else None
        return H

    def nonzero(self, D):
        return _nonzero(D)


def _node_label(node):
    if isinstance(node, tuple) and len(node) == 2 and all(isinstance(k, int) for k in node):
        return f"{node[0]}_{node[1]}", f"{node[0]}", f"{node[1]}"
    return f"{node}", None, None


def _named_coefficient(ring, d, node, k, names):
    """A generator standing for the Taylor coefficient D_k of a neuron (when not rational)."""
    if not _nonzero(d) or _is_const(d):
        return d
    value = ring.to_sympy(d)
    if value.free_symbols or value.is_Rational:
        return d
    label, layer, idx = _node_label(node)
    tex = f"D^{{({layer})}}_{{{idx},{k}}}" if layer else None
    return _generator(ring, value, f"d{label}_{k}", tex, names)


def _named(ring, c0, node, names):
    """A generator standing for the neuron's nested pre-activation value (compact output)."""
    value = ring.to_sympy(c0)
    if value.free_symbols or value.is_Rational:
        return c0
    label, layer, idx = _node_label(node)
    tex = f"z^{{({layer})}}_{{{idx}}}" if layer else None
    return _generator(ring, value, f"z{label}", tex, names)


def _generator(ring, value, name, tex, names):
    """A ring generator for the NamedConstant ``name`` (primed until unused) with ``value``."""
    from ..constants import NamedConstant

    while name in names:
        name += "'"
    names[name] = True
    return ring.param(NamedConstant(name, value, tex))


def to_terms(ring, graded, nvars, convert):
    """``{x exponents: sympy coefficient}`` from graded components."""
    acc = {}
    for comp in graded:
        if comp is None:
            continue
        if _is_const(comp):
            acc.setdefault((0,) * nvars, []).append(((), comp))
            continue
        for exps, c in comp.to_dict().items():
            exps = tuple(map(int, exps))
            acc.setdefault(exps[:nvars], []).append((exps[nvars:], c))
    return {xe: convert(parts) for xe, parts in acc.items()}


def converter(ring, float_output=False):
    """Maps ``[(param exponents, fmpq), ...]`` to a sympy coefficient."""
    params = ring.params  # a live list: Taylor mode appends while expanding

    def num(c):
        r = sympy.Rational(int(c.p), int(c.q))
        return sympy.Float(r, 15) if float_output else r

    def conv(parts):
        if len(parts) == 1 and not any(parts[0][0]):
            return num(parts[0][1])
        terms = []
        for pe, c in parts:
            t = num(c)
            for v, e in zip(params, pe):
                if e:
                    t = t * v ** e
            terms.append(t)
        return sympy.Add(*terms)

    return conv


def domain_name(ring, float_output):
    """``'QQ'``, ``'QQ[log(2), w]'``, ``'RR'`` (float output) or ``'EX'``."""
    params = ring.params
    if not params:
        return "RR" if float_output else "QQ"
    if float_output:
        return "EX"
    names = [sympy.sstr(p) for p in params]
    if len(names) > 8:
        names = names[:4] + [f"... ({len(names)} parameters)"]
    return "QQ[" + ", ".join(names) + "]"


class ExactEngine:
    """python-flint over QQ (with exact constants and symbolic weights as generators).

    Examples
    --------
    >>> from symnet import Network
    >>> from symnet.engines import Plan
    >>> from symnet.engines.exact import ExactEngine
    >>> net = Network.dense([[[1]]], activations=["sigmoid"])
    >>> plan = Plan(net, 3, ((net.stages()[0].activations[0].rule,),), None, "QQ")
    >>> (p,), = ExactEngine().run(plan)
    >>> print(p)
    1/2 + x1/4 - x1**3/48 + O(|x1|**4)
    """

    name = "exact"
    domains = ("QQ",)

    def estimate(self, plan):
        """The cost model's estimate of this plan (see :mod:`symnet.engines.cost`)."""
        from .cost import estimate
        return estimate(plan.net, plan.order, domain="QQ",
                        mode="series" if plan.centers is None else "taylor",
                        points=len(plan.centers) if plan.centers else 1)

    def run(self, plan):
        """One tuple of Polynomials (one per output) per centre; terms converted on first use."""
        from ..polynomial import Polynomial

        ring, results = self.graded(plan)
        conv = converter(ring, float_output=plan.float_output)
        dom = domain_name(ring, plan.float_output)
        n, net = plan.net.n_inputs, plan.net
        centers = plan.centers or (None,)
        return [tuple(Polynomial.from_function(lambda g=g: to_terms(ring, g, n, conv), net.inputs,
                                               plan.order, dom, center=c, meta=plan.meta)
                      for g in outs)
                for c, outs in zip(centers, results)]

    def graded(self, plan):
        """``(ring, results)``: per centre, one graded list of components per output."""
        net, Q = plan.net, plan.order
        stages = net.stages()
        exprs, consts = [], []
        for s in stages:
            for row in s.weights:
                exprs.extend(row)
            exprs.extend(s.biases)
        seen = set()
        extra = 0
        # Taylor mode through two or more nonlinear generations: name each neuron's
        # Taylor coefficients (and nested pre-activation values) so that the output's
        # coefficients stay short polynomials in named constants instead of expanded
        # polynomials in nested transcendental values
        nonlinear = sum(1 for rules in plan.rules if any(r is not None for r in rules))
        named = plan.centers is not None and nonlinear >= 2
        for s, rules in zip(stages, plan.rules):
            for r in rules:
                if r is None:
                    continue
                extra += r.parameter_slots(Q) + (Q + 2 if named else 0)
                if id(r) not in seen:
                    seen.add(id(r))
                    consts.extend(r.constants())
        cstart = len(exprs)
        exprs.extend(consts)
        centers = plan.centers or [None]
        pstart = len(exprs)
        for c in centers:
            if c is not None:
                exprs.extend(c)
        ring, elems = make_ring(net.n_inputs, exprs, extra)
        ctx = RingContext(ring, dict(zip(consts, elems[cstart:pstart])))
        A = ExactAlgebra(Q)
        pos = 0
        weights, biases = [], []
        for s in stages:
            W = []
            for row in s.weights:
                W.append(elems[pos:pos + len(row)])
                pos += len(row)
            weights.append(W)
            biases.append(elems[pos:pos + len(s.biases)])
            pos += len(s.biases)
        results = []
        cpos = pstart
        for c in centers:
            cvals = None
            if c is not None:
                cvals = elems[cpos:cpos + len(c)]
                cpos += len(c)
            results.append(self._forward(net, Q, ring, ctx, A, weights, biases, plan.rules,
                                         cvals, named))
        return ring, results

    def _forward(self, net, Q, ring, ctx, A, weights, biases, rules, center, named=False):
        n = net.n_inputs
        names = {}
        inputs = []
        for j in range(n):
            comps = [None] * (Q + 1)
            if Q >= 1:
                comps[1] = ring.xs[j]
            if center is not None and _nonzero(center[j]):
                comps[0] = center[j]
            inputs.append(comps)
        pad = (0,) * ring.nparam_slots
        units = [tuple(int(q == p) for q in range(n)) + pad for p in range(n)]
        stage_index = {id(s): k for k, s in enumerate(net.stages())}

        def step(stage, src):
            k = stage_index[id(stage)]
            W, b = weights[k], biases[k]
            is_input = [p < n for p in stage.sources]
            out = []
            for i, rule in enumerate(rules[k]):
                row = W[i]
                z = [None] * (Q + 1)
                lin = [(stage.sources[j], row[j]) for j in range(len(row))
                       if is_input[j] and _nonzero(row[j])]
                if lin and Q >= 1:
                    if all(_is_const(w) for _, w in lin):
                        z[1] = ring.ctx.from_dict({units[p]: w for p, w in lin})
                    else:
                        z[1] = sum((ring.xs[p] * w for p, w in lin[1:]),
                                   ring.xs[lin[0][0]] * lin[0][1])
                if center is not None:  # the inputs' constants a_j, at every order
                    for p, w in lin:
                        if inputs[p][0] is not None:
                            t = inputs[p][0] * w
                            z[0] = t if z[0] is None else z[0] + t
                for j in range(len(row)):
                    if is_input[j] or not _nonzero(row[j]):
                        continue
                    h, w = src[j], row[j]
                    for d in range(Q + 1):
                        if h[d] is not None:
                            t = h[d] * w
                            z[d] = t if z[d] is None else z[d] + t
                if _nonzero(b[i]):
                    z[0] = b[i] if z[0] is None else z[0] + b[i]
                z = _prune(z)
                if rule is None:
                    out.append(z)
                    continue
                c0 = z[0]
                v = [None] + z[1:]
                lo = A.degrees(v)[0]
                K = Q if lo is None else Q // lo
                if c0 is None:
                    c0 = flint.fmpq(0)
                elif named and not _is_const(c0):
                    c0 = _named(ring, c0, stage.nodes[i], names)
                try:
                    D = rule.taylor(ctx, c0, K)
                except NonAnalyticActivationError as e:
                    raise NonAnalyticActivationError(f"neuron {stage.nodes[i]!r}: {e}") from None
                if named:
                    D = [_named_coefficient(ring, d, stage.nodes[i], k, names)
                         for k, d in enumerate(D)]
                out.append(activate(A, v, D, K))
            return out

        return net.forward(inputs, step)

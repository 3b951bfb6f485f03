"""The exact engine: graded components in python-flint (internal).

Every polynomial is a list of its homogeneous components ``P_0 .. P_Q`` (in
the inputs), each a ``fmpq_mpoly`` over ``QQ[x_1..x_n, p_1..p_m]``.  The
``p_j`` are *parameters*: symbols in the weights, or exact constants such as
``log(2)`` or ``sqrt(2)/(2*sqrt(pi))`` from an activation's series, or (in
Taylor mode) the values ``tanh(c0)`` a neuron needs.  They are generators
of the ring, so exact irrational constants never fall back to generic
expression arithmetic; products of components never produce a term above
the order, so no truncation step exists.
"""

from __future__ import annotations

from math import comb

import flint
import sympy
from sympy.polys.polyutils import parallel_dict_from_expr

__all__ = []


class Ring:
    """``QQ[x_1..x_n, p_1..p_m]`` with the parameters' sympy values.

    ``extra`` spare parameter slots are reserved for values found while
    expanding (Taylor mode: ``tanh(c0)`` of each neuron); :meth:`param`
    fills them, reusing a slot when the same value comes again.
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
                raise RuntimeError("out of parameter slots")
            self.params.append(value)
            self._index[value] = i
        return self.slots[i]

    def element(self, value):
        """A ring element for an exact sympy number: fmpq if rational, else a parameter."""
        value = sympy.sympify(value)
        if value.is_Rational:
            return self.ctx.constant(flint.fmpq(int(value.p), int(value.q)))
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
                raise ValueError("element depends on the inputs")
            for v, e in zip(self.params, exps[self.n:]):
                if e:
                    t = t * v ** int(e)
            terms.append(t)
        return sympy.Add(*terms)


def _exactify(e):
    """Replace sympy Floats by their exact binary value."""
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


def gmul(A, B, Q, same=False):
    """Truncated product of graded lists (None marks a zero component)."""
    C = [None] * (Q + 1)
    for d1, a in enumerate(A):
        if a is None:
            continue
        for d2, b in enumerate(B):
            if b is None:
                continue
            d = d1 + d2
            if d > Q:
                break
            if same:
                if d2 < d1:
                    continue
                t = a * a if d1 == d2 else (a * b) * 2
            else:
                t = a * b
            C[d] = t if C[d] is None else C[d] + t
    return C


def _cost(A, B, Q, same):
    c = 0
    for d1, a in enumerate(A):
        if a is None:
            continue
        for d2, b in enumerate(B):
            if b is None or d1 + d2 > Q or (same and d2 < d1):
                continue
            c += _len(a) * _len(b) // (2 if same and d1 == d2 else 1)
    return c


def powers(V, K, Q):
    """[None, V, V^2, .., V^K] of a graded list without constant term."""
    P = [None, V]
    for k in range(2, K + 1):
        best = None
        for a in range(1, k // 2 + 1):
            b = k - a
            c = _cost(P[a], P[b], Q, a == b)
            if best is None or c < best[0]:
                best = (c, a, b)
        _, a, b = best
        P.append(gmul(P[a], P[b], Q, same=(a == b)))
    return P


def horner(v, D, K, Q, lo):
    """sum_k D_k v^k by the truncated Horner scheme R_j = D_j + v R_{j+1}.

    R_j is needed only up to degree Q - j*lo, so the products shrink as j
    grows; D_j only ever touches the constant component.
    """
    R = [D[K]] + [None] * Q
    for j in range(K - 1, -1, -1):
        T = Q - j * lo
        new = [None] * (Q + 1)
        if _nonzero(R[0]):
            for d in range(lo, T + 1):
                if v[d] is not None:
                    new[d] = v[d] * R[0]
        for d1 in range(1, T):
            if R[d1] is None:
                continue
            for d2 in range(lo, T - d1 + 1):
                if v[d2] is None:
                    continue
                t = R[d1] * v[d2]
                new[d1 + d2] = t if new[d1 + d2] is None else new[d1 + d2] + t
        new[0] = D[j] if _nonzero(D[j]) else None
        R = [c if _nonzero(c) else None for c in new]
    return R


def _horner_cost(v, K, Q, lo):
    size = [_len(c) if c is not None else 0 for c in v]
    cost = 0
    for j in range(K - 1, -1, -1):
        T = Q - j * lo
        for d1 in range(lo, T):
            for d2 in range(lo, T - d1 + 1):
                # R's components are about as large as the space of their degree
                cost += max(size[d1], 1) * size[d2]
    return cost


def _powers_cost(v, K, Q):
    size = {d: (_len(c) if c is not None else 0) for d, c in enumerate(v)}
    ranges = {1: [d for d in range(1, Q + 1) if size.get(d)]}
    cost = 0
    for k in range(2, K + 1):
        best = None
        for a in range(1, k // 2 + 1):
            b = k - a
            if a not in ranges or b not in ranges:
                continue
            c = sum(max(size[d1], 1) * max(size[d2], 1) for d1 in ranges[a] for d2 in ranges[b]
                    if d1 + d2 <= Q and (a != b or d1 <= d2))
            best = c if best is None else min(best, c)
        if best is None:
            break
        lo_k = k * min(ranges[1])
        ranges[k] = [d for d in range(lo_k, Q + 1)]
        cost += best
    return cost


def series_D(g, c0, K, one):
    """D_k(c0) = sum_{m>=k} C(m,k) g_m c0^(m-k), k = 0..K (ring or fmpq arithmetic)."""
    q = len(g) - 1
    out = []
    for k in range(K + 1):
        if k > q:
            out.append(None)
            continue
        acc = None
        for m in range(q, k - 1, -1):
            term = g[m] * comb(m, k) if g[m] is not None else None
            if acc is None:
                acc = term
            else:
                acc = acc * c0 if c0 is not None else None
                if term is not None:
                    acc = term if acc is None else acc + term
        out.append(acc)
    return out


def _nonzero(p):
    if p is None:
        return False
    return p != 0 if _is_const(p) else not p.is_zero()


def run(net, Q, ring, weights, biases, neuron_D, center=None):
    """Expand every output; returns one graded list per output.

    ``weights[s][i][j]`` and ``biases[s][i]`` are ring elements (or fmpq) per
    stage; ``neuron_D(stage_index, i, c0, K)`` returns ``[D_0 .. D_K]``.
    With ``center`` (ring elements a_j) the inputs are ``a_j + y_j``.
    """
    n = net.n_inputs
    vals = []
    for j in range(n):
        comps = [None] * (Q + 1)
        if Q >= 1:
            comps[1] = ring.xs[j]
        if center is not None and _nonzero(center[j]):
            comps[0] = center[j]
        vals.append(comps)
    xgen = {j: ring.xs[j] for j in range(n)}
    for s, stage in enumerate(net.stages()):
        W, b = weights[s], biases[s]
        new = []
        src_inputs = [j for j, src in enumerate(stage.sources) if src < n]
        src_hidden = [j for j, src in enumerate(stage.sources) if src >= n]
        for i, act in enumerate(stage.activations):
            z = [None] * (Q + 1)
            row = W[i]
            # inputs: the linear part in one from_dict, their constants (Taylor) apart
            lin = [(stage.sources[j], row[j]) for j in src_inputs if _nonzero(row[j])]
            if lin and Q >= 1:
                if all(_is_const(w) for _, w in lin):
                    pad = (0,) * ring.nparam_slots
                    z[1] = ring.ctx.from_dict({tuple(int(k == src) for k in range(n)) + pad: w
                                               for src, w in lin})
                else:
                    z[1] = sum((xgen[src] * w for src, w in lin[1:]), xgen[lin[0][0]] * lin[0][1])
            if center is not None:  # the inputs' constants a_j, at every order (also Q = 0)
                for src, w in lin:
                    if vals[src][0] is not None:
                        t = vals[src][0] * w
                        z[0] = t if z[0] is None else z[0] + t
            hid = [(stage.sources[j], row[j]) for j in src_hidden if _nonzero(row[j])]
            for d in range(Q + 1):
                acc = z[d]
                for src, w in hid:
                    h = vals[src][d]
                    if h is None:
                        continue
                    t = h * w
                    acc = t if acc is None else acc + t
                z[d] = acc
            if _nonzero(b[i]):
                z[0] = b[i] if z[0] is None else z[0] + b[i]
            z = [c if _nonzero(c) else None for c in z]
            if act.name == "identity":
                new.append(z)
                continue
            c0 = z[0]
            v = [None] + z[1:]
            lo = next((d for d in range(1, Q + 1) if v[d] is not None), None)
            K = Q if lo is None else Q // lo
            D = neuron_D(s, i, c0, K)
            h = [None] * (Q + 1)
            h[0] = D[0] if _nonzero(D[0]) else None
            if lo is not None:
                Kn = max((k for k in range(1, len(D)) if _nonzero(D[k])), default=0)
                if Kn >= 2 and _horner_cost(v, Kn, Q, lo) < _powers_cost(v, Kn, Q):
                    h = horner(v, D, Kn, Q, lo)
                elif Kn >= 1:
                    P = powers(v, Kn, Q)
                    for k in range(1, Kn + 1):
                        Dk = D[k]
                        if not _nonzero(Dk):
                            continue
                        for d in range(k, Q + 1):
                            p = P[k][d]
                            if p is None:
                                continue
                            t = p * Dk
                            h[d] = t if h[d] is None else h[d] + t
            new.append([c if _nonzero(c) else None for c in h])
        vals.extend(new)
    return [vals[p] for p in net._output_positions()]


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
    out = {}
    for xe, parts in acc.items():
        out[xe] = convert(parts)
    return out


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


def taylor_D(ring, act, c0, K):
    """``f^(k)(c0)/k!`` for k <= K as ring elements (Taylor mode).

    The transcendental values the activation needs at ``c0`` (``tanh(c0)``,
    ``sigmoid(c0)``, ...) become parameters of the ring, so nested neurons
    give nested closed forms without expression swell.
    """
    from fractions import Fraction

    c0r = ring.zero if c0 is None else (ring.ctx.constant(c0) if _is_const(c0) else c0)
    if not act.analytic:
        slope, icpt = act.local(ring.to_sympy(c0))
        D = [c0r * ring.element(slope) + ring.element(icpt), ring.element(slope)]
        return (D + [None] * K)[:K + 1]
    if act.polynomial_degree is not None:
        g = [ring.element(c) for c in act.maclaurin(act.polynomial_degree)]
        return series_D(g, c0r, min(K, act.polynomial_degree), ring.one)
    rules = act._rules
    if rules is None:  # a user function without a differential system
        cz = ring.to_sympy(c0)
        return [ring.element(c) for c in act.taylor(cz, K)]
    value_rule, deriv_rules, atoms = rules
    cz = ring.to_sympy(c0)
    vals = [ring.element(a(cz)) for a in atoms]

    def const(q: Fraction):
        return ring.ctx.constant(flint.fmpq(q.numerator, q.denominator))

    from .activations import taylor_from_system
    return taylor_from_system(value_rule, deriv_rules, c0r, vals, K, const, ring.zero)

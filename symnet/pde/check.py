"""Check exactly whether a function satisfies the PDE constraints of an architecture.

Examples
--------
>>> import sympy
>>> from symnet import Tree, check_pde
>>> x, y, z = sympy.symbols("x y z")
>>> r = check_pde(sympy.exp(x*y) + z, Tree("((x,y),z)"))
>>> r.satisfied, r.nonsingular, r.representable
(True, True, True)
>>> r = check_pde(x*y + y*z, "((x,y),z)")
>>> r.satisfied, r.representable
(False, False)
>>> r.witness.value != 0
True
"""

import time

import mpmath
import sympy

from .._validate import as_seconds
from .architectures import Decomposition, as_architecture
from .constraints import nonsingularity_conditions, pde_constraints
from .equations import evaluate_conditions
from .evaluation import (_DPS_HIGH, _REL_ZERO, FunctionContext, _as_seed, _confirm_nonzero, _random_point,
                         _relative_size, as_function, as_point, refuse_huge_values)
from .zero import (_TRIG, _BadPoint, _FormalDivisionByZero, _NotNumeric, _TooBig, Deadline, Formal, exp_form,
                   prove_zero, run_limited)

__all__ = ["check_pde", "PDECheck", "Witness", "Decomposition"]


# ---------------------------------------------------------------------------
# result objects
# ---------------------------------------------------------------------------
def _fmt_point(point):
    return ", ".join(f"{sympy.sstr(k)} = {sympy.sstr(v)}" for k, v in point.items())


def _latex_point(point):
    return ", ".join(f"{sympy.latex(k)} = {sympy.latex(v)}" for k, v in point.items())


class Witness:
    """A constraint that is nonzero at an exact rational point.

    Attributes
    ----------
    constraint : Constraint
    point : dict
        Symbol -> exact rational value (inputs, and parameters of ``f`` if any).
    value : sympy.Expr
        The exact value of the constraint at the point (proven nonzero).

    Examples
    --------
    >>> import sympy
    >>> from symnet import check_pde
    >>> x, y, z = sympy.symbols("x y z")
    >>> w = check_pde(x*y + y*z + x*z, "((x,y),z)").witness
    >>> w.value == sympy.expand(w.constraint.apply(x*y + y*z + x*z)).subs(w.point)
    True
    """

    __slots__ = ("constraint", "point", "_value", "_approx")

    def __init__(self, constraint, point, value, approx=None):
        self.constraint = constraint
        self.point = point
        self._value = value          # an exact number, or a callable building it
        self._approx = approx

    @property
    def value(self):
        """The exact value of the constraint at the point (nonzero)."""
        if callable(self._value):
            self._value = self._value()
        return self._value

    @property
    def value_n(self):
        """The value as a 15-digit Float."""
        if self._approx is None or (not callable(self._value) and self._value.is_Rational):
            return self.value.evalf(15)
        with mpmath.workdps(15):
            a = self._approx
            if isinstance(a, mpmath.mpc):
                return sympy.Float(a.real, 15) + sympy.I * sympy.Float(a.imag, 15)
            return sympy.Float(a, 15)

    def _short(self):
        """The exact value when it is short, else None."""
        if callable(self._value):
            return None  # not built yet: show the approximation
        return self.value if self.value.is_Rational or sympy.count_ops(self.value) <= 12 else None

    def __str__(self):
        lhs = str(self.constraint)
        lhs = lhs[:-4] if lhs.endswith(" = 0") else lhs
        short = self._short()
        if short is None:
            val = f"{sympy.sstr(self.value_n)} (approximately; the exact value is in .value)"
        elif short.is_Rational:
            val = sympy.sstr(short)
        else:
            val = f"{sympy.sstr(short)} = {sympy.sstr(self.value_n)}"
        return f"{lhs} = {val} != 0 at {_fmt_point(self.point)}"

    __repr__ = __str__

    def _repr_latex_(self):
        lhs = sympy.latex(self.constraint)
        lhs = lhs[:-4] if lhs.endswith(" = 0") else lhs
        short = self._short()
        val = sympy.latex(short) if short is not None else r"\approx " + sympy.latex(self.value_n)
        return f"${lhs} = {val} \\neq 0$ at ${_latex_point(self.point)}$"


class PDECheck:
    """The result of :func:`check_pde`.

    Attributes
    ----------
    f : sympy.Expr
        The function checked (a Network is replaced by its expression).
    arch : Architecture
    constraints : list of Constraint
        The full set of constraints of ``arch``.
    status : list of str
        For each constraint: ``"proven"`` (identically zero), ``"violated"``
        (nonzero at an exact point), ``"nonzero"`` (numerically clearly
        nonzero; only the witness is confirmed exactly), ``"unproven"``
        or ``"unchecked"`` (not needed once a witness was found).
    satisfied : bool or None
        True: every constraint was proven identically zero.  False: a
        constraint is nonzero at an exact rational point (:attr:`witness`).
        None: undecided (:attr:`reason` says why).
    witness : Witness or None
    reason : str
        Why the answer is what it is (in particular when undecided).
    point : dict
        The exact point (Symbol -> number) where non-singularity is checked.
    nonsingular : bool or None
        Whether every non-singularity condition holds at :attr:`point`.
    nonsingularity_failures : list of Condition
        The conditions that fail at the point (None-valued ones are in
        :attr:`nonsingularity_unknown`).
    representable : bool or None
        Whether ``f`` is computed by ``arch`` near the point: True needs the
        constraints, non-singularity and, for ridge sums, real distinct
        directions; False when a constraint fails or the directions are
        complex or repeated; None when inconclusive.
    representable_reason : str
    decomposition : dict or None
        Trees: ``{node: h_v}``, the inner function of every non-root node
        with at least two leaves (``f`` with the variables outside the node
        frozen at the point), so that ``f = G(h_v, rest)`` near the point.
        Neurons: ``{"w": weights, "sigma": activation}``.
    directions : list or None
        Ridge sums and neurons: the directions ``(a_i, b_i)`` (neuron: ``w``).
    elapsed : float
        Seconds spent.

    Examples
    --------
    >>> import sympy
    >>> from symnet import check_pde
    >>> x, y, z = sympy.symbols("x y z")
    >>> r = check_pde(x*y + y*z, "((x,z),y)", point={x: 1, y: 2, z: 3})
    >>> r.satisfied, r.nonsingular, r.representable
    (True, True, True)
    >>> print(r)
    check_pde: f = x*y + y*z on the tree ((x, z), y)
      constraints: satisfied (1 of 1 proven identically zero)
      point: x = 1, z = 3, y = 2
      non-singular at the point: yes
      representable: yes (the constraints hold and every non-root node has a nonzero gradient at the point)
      decomposition:
        h_(x, z) = 2*x + 2*z
    """

    def __init__(self, **kw):
        self.f = kw["f"]
        self.arch = kw["arch"]
        self.parameters = kw.get("parameters", ())
        self.constraints = kw["constraints"]
        self.status = kw["status"]
        self.satisfied = kw["satisfied"]
        self.witness = kw.get("witness")
        self.reason = kw.get("reason", "")
        self.point = kw.get("point")
        self.nonsingular = kw.get("nonsingular")
        self.nonsingularity_failures = kw.get("nonsingularity_failures", [])
        self.nonsingularity_unknown = kw.get("nonsingularity_unknown", [])
        self.representable = kw.get("representable")
        self.representable_reason = kw.get("representable_reason", "")
        self.decomposition = kw.get("decomposition")
        self.directions = kw.get("directions")
        self.elapsed = kw.get("elapsed", 0.0)

    @property
    def violated(self):
        """The constraints found nonzero (the witness's one first)."""
        return [c for c, s in zip(self.constraints, self.status) if s in ("violated", "nonzero")]

    @property
    def unproven(self):
        """The constraints neither proven zero nor found nonzero."""
        return [c for c, s in zip(self.constraints, self.status) if s == "unproven"]

    @staticmethod
    def _word(value):
        return {True: "yes", False: "no", None: "undecided"}[value]

    def __str__(self):
        noun = getattr(self.arch, "noun", "architecture")
        lines = [f"check_pde: f = {sympy.sstr(self.f)} on the {noun} {sympy.sstr(self.arch)}"]
        n = len(self.constraints)
        proven = self.status.count("proven")
        if self.satisfied is True:
            lines.append(f"  constraints: satisfied ({proven} of {n} proven identically zero)")
        elif self.satisfied is False:
            lines.append(f"  constraints: violated ({len(self.violated)} of {n} found nonzero)")
            lines.append(f"    witness: {self.witness}")
        else:
            lines.append(f"  constraints: undecided ({proven} of {n} proven zero, "
                         f"{len(self.unproven)} undecided): {self.reason}")
        if self.point is not None:
            lines.append(f"  point: {_fmt_point(self.point)}")
        ns = f"  non-singular at the point: {self._word(self.nonsingular)}"
        if self.nonsingularity_failures:
            ns += "; fails: " + "; ".join(str(c) for c in self.nonsingularity_failures)
        lines.append(ns)
        lines.append(f"  representable: {self._word(self.representable)} ({self.representable_reason})")
        if self.directions:
            lines.append("  directions: " + ", ".join(sympy.sstr(d) for d in self.directions))
        if self.decomposition:
            lines.append("  decomposition:")
            for k, v in self.decomposition.items():
                name = k if isinstance(k, str) else f"h_{sympy.sstr(k)}"
                lines.append(f"    {name} = {sympy.sstr(v)}")
        return "\n".join(lines)

    def __repr__(self):
        return (f"<PDECheck satisfied={self.satisfied} nonsingular={self.nonsingular} "
                f"representable={self.representable}>")

    def _repr_latex_(self):
        def text(s):
            special = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}",
                       "&": r"\&", "%": r"\%", "#": r"\#", "$": r"\$", "~": r"\~{}"}
            return r"\text{" + "".join(special.get(ch, ch) for ch in s) + "}"

        rows = [rf"{text('f = ')} {sympy.latex(self.f)}\quad {text('on')}\quad {sympy.latex(self.arch)}"]
        n = len(self.constraints)
        if self.satisfied is True:
            rows.append(text(f"constraints: satisfied ({self.status.count('proven')} of {n} proven zero)"))
        elif self.satisfied is False:
            w = self.witness
            lhs = sympy.latex(w.constraint)
            lhs = lhs[:-4] if lhs.endswith(" = 0") else lhs
            short = w._short()
            val = sympy.latex(short) if short is not None else r"\approx " + sympy.latex(w.value_n)
            rows.append(text("constraints: violated; witness: ") + f"{lhs} = {val} \\neq 0"
                        + text(" at ") + _latex_point(w.point))
        else:
            rows.append(text("constraints: undecided: " + self.reason))
        if self.point is not None:
            rows.append(text("point: ") + _latex_point(self.point))
        ns = text("non-singular: " + self._word(self.nonsingular))
        if self.nonsingularity_failures:
            ns += text("; fails: ") + ", ".join(sympy.latex(c) for c in self.nonsingularity_failures)
        rows.append(ns)
        rows.append(text(f"representable: {self._word(self.representable)} ({self.representable_reason})"))
        if self.decomposition:
            for k, v in self.decomposition.items():
                name = (r"\sigma" if k == "sigma" else k) if isinstance(k, str) else f"h_{{{sympy.latex(k)}}}"
                rows.append(f"{name} = {sympy.latex(v)}")
        return r"$\begin{array}{l}" + r" \\ ".join(rows) + r"\end{array}$"


# ---------------------------------------------------------------------------
# probes and proofs
# ---------------------------------------------------------------------------
def _probe(constraints, status, points):
    """Probe every constraint not yet decided at ``points``; return the first witness."""
    witness = None
    for idx, c in enumerate(constraints):
        if status[idx] != "unproven":
            continue
        for pv in points:
            try:
                with mpmath.workdps(pv.dps):
                    rows = [[pv.approx(a) for a in row] for row in c.multi_indices]
                    _, rel = _relative_size(rows)
            except (_BadPoint, _NotNumeric):
                continue
            if rel <= _REL_ZERO:
                continue
            if witness is None:
                proven, exact, approx = _confirm_nonzero(pv, c.multi_indices)
                if proven:
                    witness = Witness(c, dict(pv.user_point), exact, approx)
                    status[idx] = "violated"
                    break
                continue
            status[idx] = "nonzero"
            break
    return witness


def _prove_shared(ctx, constraints, todo, rewrite):
    """Formal proofs of the constraints ``todo`` at once, sharing the derivatives.

    Returns the indices proven.  It touches no shared state, so that a run
    abandoned at its time limit cannot change the answer afterwards.
    """
    proven = []
    if not todo:
        return proven
    alphas = sorted({a for i in todo for row in constraints[i].multi_indices for a in row})
    exprs = [ctx.derivs(a) for a in alphas]
    if rewrite:
        if not any(e.has(sympy.exp, *_TRIG) for e in exprs):
            return proven
        exprs = list(exp_form(sympy.Tuple(*exprs)).args)
    F = Formal(exprs)
    images = {}
    for i in todo:
        try:
            rows = []
            for row in constraints[i].multi_indices:
                for a in row:
                    if a not in images:
                        images[a] = F(exprs[alphas.index(a)])
                rows.append([images[a] for a in row])
            if F.is_zero(F.det(rows)):
                proven.append(i)
        except (_TooBig, _FormalDivisionByZero, ZeroDivisionError):
            continue
    return proven


def _prove_all(ctx, constraints, status, timeout, info=None):
    """Exact proofs: shared formal passes first, then each constraint on its own.

    Returns the number of constraints left unproven; ``info["timed_out"]``
    records whether a time limit was reached.
    """
    for rewrite in (False, True):
        if "unproven" not in status:
            break
        todo = [i for i, st in enumerate(status) if st == "unproven"]
        try:
            finished, proven = run_limited(lambda: _prove_shared(ctx, constraints, todo, rewrite), timeout)
        except (_TooBig, _FormalDivisionByZero, KeyError, ZeroDivisionError, RecursionError):
            finished, proven = True, []
        if not finished:
            if info is not None:
                info["timed_out"] = True
            continue
        for i in proven:
            status[i] = "proven"
    left = 0
    budget = Deadline(None if timeout is None else max(30.0, 10 * timeout))
    for idx, c in enumerate(constraints):
        if status[idx] != "unproven":
            continue
        if budget.expired():
            left += 1
            if info is not None:
                info["timed_out"] = True
            continue
        try:
            expr = c.evaluate(ctx.derivs)
        except Exception:  # pragma: no cover - differentiation errors
            left += 1
            continue
        limit = None if timeout is None else min(timeout, budget.remaining())
        if prove_zero(expr, limit, info) is True:
            status[idx] = "proven"
        else:
            left += 1
    return left


# ---------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------
def check_pde(f, arch, *, point=None, timeout=5.0, seed=0):
    """Check exactly whether ``f`` satisfies the PDE constraints of ``arch``.

    Parameters
    ----------
    f : sympy.Expr, number, str or Network
        A function of the architecture's inputs (a one-output symnet
        Network is checked through ``f.expr()``; a string is read with the
        safe parser :func:`symnet._validate.parse_expr`, never evaluated).
        Other free symbols are parameters: "satisfied" means identically in
        them, and probes give them random rational values too.  Floats are
        converted exactly to rationals.
    arch : Architecture (Tree, Neuron, RidgeSum, ...), str, tuple or Network
        The architecture (a string or nested tuple is read as a Tree).
    point : dict or sequence, optional
        Where non-singularity is checked and the decomposition is
        anchored: a dict Symbol (or name) -> number or a sequence in the
        order of the inputs; numbers may be strings such as ``"1/3"``.
        Default: a random rational point where ``f`` is defined.
    timeout : float or None, optional
        Time limit in seconds for the exact proof of each constraint
        (default 5, a positive finite number); proofs stop altogether after
        ``max(30, 10 * timeout)`` seconds, leaving the remaining constraints
        undecided.  ``None``: no limit.
    seed : int or None, optional
        Seed of the random rational points (results are reproducible).

    Returns
    -------
    PDECheck
        ``satisfied`` (True proven / False with an exact witness / None
        undecided with the reason), ``nonsingular``, ``representable``,
        ``decomposition`` (trees), ``directions`` (ridge sums, neurons).

    Raises
    ------
    InputError
        ``f`` is not a finite scalar expression, a coordinate is not a
        finite real number (NaN and infinities included), the architecture
        is not one.
    ParseError
        A string (``f`` or a coordinate) is outside the expression language.
    ShapeError
        The point does not give one value per input.
    ArgumentError
        A bad ``timeout`` or ``seed``.
    ResourceError
        The architecture has too many constraints (see
        :func:`symnet.pde_constraints`) or ``f``'s exact values would be too
        large (see :data:`symnet.pde.limits.MAX_EXACT_BITS`).

    Notes
    -----
    Zero testing: each constraint is first evaluated at exact rational
    points at high precision; a clearly nonzero value is confirmed exactly
    (or with guaranteed digits) and returned as the witness.  Otherwise it
    is proven identically zero with exact rewriting (for a neuron or a ridge
    sum, by proving that one constant-coefficient linear PDE annihilates
    ``f``, which implies every constraint).  What is neither is undecided.

    The answer on representability is local, near :attr:`PDECheck.point`.
    For trees, leaves and unary nodes need no non-singularity condition;
    when a condition fails because ``f`` does not depend on some inputs at
    all, the tree is pruned of those inputs before concluding.

    Examples
    --------
    >>> import sympy
    >>> from symnet import Neuron, RidgeSum, check_pde
    >>> x, y, z = sympy.symbols("x y z")
    >>> check_pde(sympy.tanh(2*x - 3*y + z + 1), Neuron([x, y, z])).representable
    True
    >>> r = check_pde(x**4 - 6*x**2*y**2 + y**4, RidgeSum(2, [x, y]))
    >>> r.satisfied, r.representable
    (True, False)
    >>> r.representable_reason
    'complex directions: the annihilating operator has no real factorisation; with alpha F_xx + beta F_xy + gamma F_yy = 0, beta^2 - 4 alpha gamma = -4'
    """
    t0 = time.monotonic()
    arch = as_architecture(arch)
    inputs = tuple(arch.inputs)
    expr, params = as_function(f, inputs)
    timeout = as_seconds(timeout, "check_pde: timeout")
    seed = _as_seed(seed)
    user_point = as_point(point, inputs, params)
    refuse_huge_values(expr, user_point)
    constraints = pde_constraints(arch)
    conditions = nonsingularity_conditions(arch)

    def recheck(other, at):
        return check_pde(expr, other, point=at, timeout=timeout, seed=seed)

    ctx = FunctionContext(expr, inputs, params, seed, timeout, recheck)
    status = ["unproven"] * len(constraints)

    # --- points -------------------------------------------------------------
    points = []
    p0 = None
    point_note = ""
    if user_point is not None:
        if params and any(a not in user_point for a in params):
            fill = _random_point(ctx.rng, [a for a in params if a not in user_point], True)
            user_point = {**user_point, **fill}
        p0 = ctx.values_at(user_point)
        try:
            ctx._valid(p0, [(0,) * len(inputs)] + ctx.first_order(), False)
        except _BadPoint:
            point_note = "f or its derivatives are not defined at the point"
            p0 = None
        except _NotNumeric:
            ctx.numeric = False
            ctx.numeric_reason = ctx.not_numeric_reason()
            p0 = None
        if p0 is not None:
            points.append(p0)
        randoms = ctx.random_points(1, ctx.first_order())
    else:
        randoms = ctx.random_points(2, ctx.first_order())
        if randoms:
            p0 = randoms[0]
    points.extend(randoms)
    if p0 is None and not point_note:
        point_note = ctx.numeric_reason or "no rational point where f is defined and real was found"
    if not ctx.numeric:
        point_note = ctx.numeric_reason

    # --- probes -------------------------------------------------------------
    witness = _probe(constraints, status, points) if points else None

    # --- proofs -------------------------------------------------------------
    certificate = None
    reason = ""
    proof_info = {}
    if witness is None and constraints:
        certificate = arch.structural_proof(ctx, points)
        if certificate is not None:
            status = ["proven"] * len(constraints)
        else:
            _prove_all(ctx, constraints, status, timeout, proof_info)
        if "unproven" in status and ctx.numeric:
            extra = ctx.random_points(2, ctx.first_order())
            extra += ctx.random_points(2, ctx.first_order(), dps=_DPS_HIGH)
            witness = _probe(constraints, status, extra)
            points.extend(extra)
    if witness is not None:
        satisfied = False
        reason = "a constraint is nonzero at an exact rational point"
        status = [s if s != "unproven" else "unchecked" for s in status]
    elif "unproven" in status:
        satisfied = None
        n_left = status.count("unproven")
        why = f"{n_left} constraint(s) could not be proven identically zero"
        why += " within the time limit" if proof_info.get("timed_out") else " by the exact methods"
        if ctx.numeric and points:
            why += f", yet they vanish numerically at {len(points)} rational point(s)"
        elif not ctx.numeric:
            why += f"; {ctx.numeric_reason}"
        reason = why
    else:
        satisfied = True
        reason = "every constraint is identically zero" if constraints else "the architecture imposes no constraint"

    # --- non-singularity ------------------------------------------------------
    if p0 is not None:
        nonsingular, failures, unknown = evaluate_conditions(conditions, p0)
    else:
        nonsingular, failures, unknown = None, [], list(conditions)
    point_out = dict(p0.user_point) if p0 is not None else user_point

    # --- representability ----------------------------------------------------
    decomposition = directions = None
    if satisfied is False:
        representable, rep_reason = False, "a constraint fails, and every function the architecture computes satisfies it"
    elif satisfied is None:
        representable, rep_reason = None, "the constraints are undecided"
    elif p0 is None:
        representable, rep_reason = None, "non-singularity could not be checked: " + (point_note or "no point")
    else:
        representable, rep_reason, decomposition, directions = arch.representation(
            ctx, p0, nonsingular, certificate)

    return PDECheck(
        f=expr, arch=arch, parameters=params, constraints=constraints, status=status,
        satisfied=satisfied, witness=witness, reason=reason, point=point_out,
        nonsingular=nonsingular, nonsingularity_failures=failures, nonsingularity_unknown=unknown,
        representable=representable, representable_reason=rep_reason,
        decomposition=decomposition, directions=directions, elapsed=time.monotonic() - t0,
    )

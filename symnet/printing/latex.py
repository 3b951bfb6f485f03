"""LaTeX for papers: polynomials over several lines, coefficient tables, networks, PDEs.

:func:`latex` is :func:`sympy.latex` with sympy's settings passed through
(``order``, ``symbol_names``, ``fold_short_frac``, ``mul_symbol``, ...) and
a few additions:

* a :class:`~symnet.Polynomial` becomes an ``align`` environment broken over
  lines (``terms_per_line``), only its last line numbered;
* a tuple of polynomials (a multi-output network's expansion) becomes one
  equation per output;
* a :class:`~symnet.Network` becomes its layer equations (``form="layers"``),
  its layers as matrices (``form="matrix"``) or one closed-form equation per
  output (``form="expr"``);
* a list of PDE constraints or non-singularity conditions becomes one
  aligned line each.

:func:`coefficient_table` writes the largest coefficients as a booktabs
``tabular``; :func:`latex_document` wraps any of these in a document that
compiles with ``pdflatex`` (packages ``amsmath`` and ``booktabs``).

Examples
--------
>>> import symnet
>>> net = symnet.Network.dense([[[1, 2]]], activations=["sigmoid"])
>>> print(symnet.latex(symnet.expand(net, 3), terms_per_line=3))
\\begin{align}
f\\left(x_{1}, x_{2}\\right) &= \\frac{1}{2} + \\frac{x_{1}}{4} + \\frac{x_{2}}{2} \\nonumber \\\\
&\\quad - \\frac{x_{1}^{3}}{48} - \\frac{x_{1}^{2} x_{2}}{8} - \\frac{x_{1} x_{2}^{2}}{4} \\nonumber \\\\
&\\quad - \\frac{x_{2}^{3}}{6} + O\\left(\\left\\lVert \\left(x_{1}, x_{2}\\right) \\right\\rVert^{4}\\right)
\\end{align}
"""

from __future__ import annotations

import numbers

import sympy
from sympy.printing.latex import LatexPrinter

from .._validate import printable
from ..errors import ArgumentError, InputError, NotSupportedError
from ..network import Network
from ..polynomial import Polynomial

__all__ = ["latex", "coefficient_table", "latex_document"]

_ENVIRONMENTS = ("align", "align*", "aligned", "equation", "equation*", "inline", None)

class _Settings:
    """symnet's own settings, split off before sympy sees the rest."""

    def __init__(self, settings, **defaults):
        own = {"environment", "terms_per_line", "lhs", "digits", "order_term", "form"}
        self.own = {k: settings.pop(k) for k in list(settings) if k in own}
        for k, v in defaults.items():
            self.own.setdefault(k, v)
        try:
            self.printer = LatexPrinter(settings)
        except TypeError as e:
            raise InputError(f"{e} (symnet.latex's own settings: environment, terms_per_line, "
                            "lhs, digits, order_term, form; the rest go to sympy.latex)") \
                from None
        env = self.own.get("environment")
        if env not in _ENVIRONMENTS:
            raise ArgumentError(f"environment must be one of {_ENVIRONMENTS}, got {env!r}")
        tpl = self.own.get("terms_per_line", 4)
        if isinstance(tpl, bool) or not isinstance(tpl, numbers.Integral) or tpl < 1:
            raise ArgumentError(f"terms_per_line must be a positive integer, got {tpl!r}")
        d = self.own.get("digits")
        if d is not None and (isinstance(d, bool) or not isinstance(d, numbers.Integral)
                              or d < 1):
            raise ArgumentError(f"digits must be a positive integer or None, got {d!r}")

    def __getitem__(self, k):
        return self.own.get(k)

    def p(self, expr):
        """Print with sympy's printer, floats rounded to ``digits``."""
        return self.printer._print(self.round(expr))

    def round(self, expr):
        """Floats rounded to ``digits``; rationals too long for decimal in hexadecimal."""
        d = self.own.get("digits")
        if isinstance(expr, float):
            expr = sympy.Float(expr)
        if d is None or not isinstance(expr, sympy.Basic):
            return printable(expr)
        floats = expr.atoms(sympy.Float)
        if not floats:
            return printable(expr)
        return printable(expr.xreplace({f: sympy.Float(f, d) for f in floats}))


def latex(obj, **settings):
    """LaTeX for a polynomial, a network, PDE constraints or any sympy object.

    Parameters
    ----------
    obj : Polynomial, tuple of Polynomial, Network, Constraint(s), or anything sympy prints
    environment : {"align", "align*", "aligned", "equation", "equation*", "inline", None}
        ``"align"`` (default for polynomials, networks and lists): one
        ``align`` environment, long polynomials broken over lines and only
        the last line of each equation numbered.  ``"aligned"``: the same
        rows for use inside ``equation`` or ``$$``.  ``"inline"`` or None:
        the bare expression on one line (what :func:`sympy.latex` gives).
    terms_per_line : int
        Terms of a polynomial per line (default 4).
    lhs : str, sympy expression or sequence of them
        Left-hand side(s); default ``f(x_1, ...)`` for a polynomial (``f(\\mathbf{x})``
        beyond four variables) and ``y_1, y_2, ...`` for several outputs.
    digits : int, optional
        Print floats with this many significant digits.
    order_term : bool
        Write the truncation term ``O(||x||^{Q+1})`` (default True).
    form : {"layers", "matrix", "expr"}
        For networks: one equation per neuron (default), one per layer with
        the weight matrices written out (dense networks), or one closed-form
        equation per output.
    **settings
        Everything else goes to sympy's LaTeX printer, for example
        ``order="grevlex"``, ``symbol_names={x: "u"}``, ``fold_short_frac=True``.

    Returns
    -------
    str

    Examples
    --------
    >>> import sympy, symnet
    >>> x, y = sympy.symbols("x y")
    >>> p = symnet.Polynomial(1 + x/2 - x*y/3, (x, y))
    >>> symnet.latex(p, environment=None)
    '1 + \\\\frac{x}{2} - \\\\frac{x y}{3} + O\\\\left(\\\\left\\\\lVert \\\\left(x, y\\\\right) \\\\right\\\\rVert^{3}\\\\right)'
    >>> print(symnet.latex(p, environment="aligned", lhs="p", order_term=False,
    ...                    symbol_names={x: "u"}))
    \\begin{aligned}
    p &= 1 + \\frac{u}{2} - \\frac{u y}{3}
    \\end{aligned}
    >>> symnet.latex(sympy.Rational(3, 8) * x)
    '\\\\frac{3 x}{8}'
    """
    if isinstance(obj, Polynomial) or (isinstance(obj, (tuple, list)) and obj and
                                       all(isinstance(p, Polynomial) for p in obj)):
        polys = [obj] if isinstance(obj, Polynomial) else list(obj)
        s = _Settings(settings, environment="align", order_term=True)
        return _polynomials(polys, s, single=isinstance(obj, Polynomial))
    if isinstance(obj, Network):
        s = _Settings(settings, environment="align", form="layers")
        return _network(obj, s)
    if isinstance(obj, (tuple, list)):
        s = _Settings(settings, environment="align")
        return _rows(obj, s)
    s = _Settings(settings)
    env = s["environment"]
    body = s.p(obj)
    if env in (None, "inline"):
        return body
    if env in ("align", "align*", "aligned"):
        return _wrap(env, [_align_at_relation(body)])
    return _wrap(env, [body])


# ---------------------------------------------------------------------------
# polynomials
# ---------------------------------------------------------------------------

def _signed_terms(p, s):
    """[(sign, latex of the term without its sign)] in print order."""
    out = []
    for e, c in p._ordered_items(s.printer._settings.get("order")):
        c = s.round(sympy.Float(c) if isinstance(c, float) else c)
        t = sympy.Mul(c, p.monomial(e))
        if t.could_extract_minus_sign():
            out.append(("-", s.printer._print(-t)))
        else:
            out.append(("+", s.printer._print(t)))
    if s["order_term"]:
        vs = [s.printer._print(v - a) for v, a in zip(p.variables, p.center)]
        inner = ", ".join(vs)
        if len(vs) > 1:
            inner = rf"\left({inner}\right)"
        out.append(("+", rf"O\left(\left\lVert {inner} \right\rVert^{{{p.order + 1}}}\right)"))
    if not out:
        out.append(("+", "0"))
    return out


def _default_lhs(p, s):
    vs = p.variables
    if len(vs) > 4:
        return r"f\left(\mathbf{x}\right)"
    return r"f\left(" + ", ".join(s.printer._print(v) for v in vs) + r"\right)"


def _lhs_text(lhs, s):
    return lhs if isinstance(lhs, str) else s.printer._print(lhs)


def _polynomials(polys, s, single):
    env = s["environment"]
    lhs = s["lhs"]
    if lhs is None:
        lhs = [_default_lhs(polys[0], s)] if single else \
            [f"y_{{{k + 1}}}" for k in range(len(polys))]
    elif isinstance(lhs, (str, sympy.Basic)):
        lhs = [lhs] if single else [rf"{_lhs_text(lhs, s)}_{{{k + 1}}}"
                                    for k in range(len(polys))]
    lhs = [_lhs_text(x, s) for x in lhs]
    if len(lhs) != len(polys):
        raise ArgumentError(f"expected {len(polys)} left-hand sides, got {len(lhs)}")
    if env in (None, "inline", "equation", "equation*"):
        lines = [_join(_signed_terms(p, s)) for p in polys]
        if env in (None, "inline"):
            return "\\\\\n".join(lines) if len(lines) > 1 else lines[0]
        if s["lhs"] is not None or len(polys) > 1:
            lines = [f"{l} = {body}" for l, body in zip(lhs, lines)]
        return _wrap(env, lines) if len(polys) == 1 else _wrap(
            env, [r"\begin{gathered}" + " \\\\\n".join(lines) + r"\end{gathered}"])
    tpl = s["terms_per_line"] or 4
    rows = []
    for l, p in zip(lhs, polys):
        terms = _signed_terms(p, s)
        chunks = [terms[i:i + tpl] for i in range(0, len(terms), tpl)]
        for k, chunk in enumerate(chunks):
            body = _join(chunk, first=k == 0)
            if k == 0:
                row = f"{l} &= {body}"
            else:
                row = rf"&\quad {body}"
            if k < len(chunks) - 1 and env == "align":
                row += r" \nonumber"
            rows.append(row)
    return _wrap(env, rows)


def _join(terms, first=True):
    out = []
    for i, (sign, body) in enumerate(terms):
        if i == 0 and first:
            out.append(("- " if sign == "-" else "") + body)
        else:
            out.append(f"{sign} {body}")
    return " ".join(out)


def _wrap(env, rows):
    if env in (None, "inline"):
        return " \\\\\n".join(rows)
    return f"\\begin{{{env}}}\n" + " \\\\\n".join(rows) + f"\n\\end{{{env}}}"


# ---------------------------------------------------------------------------
# networks
# ---------------------------------------------------------------------------

def _act_tex(name):
    from ..activations import get_activation

    act = get_activation(name)
    if act.tex is not None:
        return act.tex
    base, _, param = name.partition("[")
    tex = r"\operatorname{" + base.replace("_", r"\_") + "}"
    if param:
        tex += "_{" + param.rstrip("]").replace(",", ", ") + "}"
    return tex


def _apply_act(name, z_tex, s):
    if name == "identity":
        return z_tex
    if name == "square":
        return rf"\left({z_tex}\right)^{{2}}"
    return rf"{_act_tex(name)}\left({z_tex}\right)"


def _node_symbols(net):
    """LaTeX names of the nodes: inputs by their symbols, outputs y_k, hidden h^{(l)}_i."""
    G = net.graph
    names = {}
    for n in G.graph["inputs"]:
        names[n] = G.nodes[n]["symbol"]
    outs = {o: k for k, o in enumerate(net.outputs, start=1)}
    for st in net.stages():
        for i, n in enumerate(st.nodes, start=1):
            if n in outs:
                names[n] = sympy.Symbol(f"y_{outs[n]}" if len(outs) > 1 else "y")
            elif isinstance(n, tuple) and len(n) == 2 and all(isinstance(k, int) for k in n):
                names[n] = sympy.Symbol(f"h^{{({n[0]})}}_{{{n[1]}}}")
            else:
                names[n] = sympy.Symbol(f"h_{{{_text(n)}}}")
    return names


def _text(n):
    s = str(n)
    for a, b in (("\\", r"\backslash "), ("_", r"\_"), ("{", r"\{"), ("}", r"\}"),
                 ("$", r"\$"), ("&", r"\&"), ("#", r"\#"), ("%", r"\%"), ("^", r"\^{}")):
        s = s.replace(a, b)
    return r"\mathrm{" + s + "}"


def _network(net, s):
    form = s["form"]
    if form not in ("layers", "matrix", "expr"):
        raise ArgumentError(f"form must be 'layers', 'matrix' or 'expr', got {form!r}")
    env = s["environment"]
    G = net.graph
    names = _node_symbols(net)
    rows = []
    if form == "expr":
        exprs = net.expr()
        exprs = exprs if isinstance(exprs, tuple) else (exprs,)
        for o, e in zip(net.outputs, exprs):
            rows.append(f"{s.p(names[o])} &= {s.p(e)}")
    elif form == "layers":
        for st in net.stages():
            for n, act in zip(st.nodes, st.activations):
                z = _to_sym(G.nodes[n]["bias"]) + sympy.Add(*[
                    _to_sym(G.edges[p, n]["weight"]) * names[p] for p in G.predecessors(n)])
                rows.append(f"{s.p(names[n])} &= {_apply_act(act.name, s.p(z), s)}")
    else:
        rows = _matrix_rows(net, s)
    if env in (None, "inline"):
        return " \\\\\n".join(r.replace("&=", "=") for r in rows)
    if env in ("equation", "equation*"):
        return _wrap(env, [r"\begin{aligned}" + " \\\\\n".join(rows) + r"\end{aligned}"])
    return _wrap(env, rows)


def _to_sym(w):
    return sympy.Float(w) if isinstance(w, float) else w


def _matrix_rows(net, s):
    layers = net.dense_layers()
    if layers is None:
        raise NotSupportedError("form='matrix' needs a dense network (built with Network.dense or "
                          "from_torch); use form='layers' for any graph")
    x = sympy.Matrix(net.inputs)
    rows = []
    prev = s.p(x)
    L = len(layers)
    for l, (act, W, b) in enumerate(layers, start=1):
        Wm = sympy.Matrix([[_to_sym(w) for w in row] for row in W])
        bm = sympy.Matrix([_to_sym(v) for v in b])
        z = f"{s.p(Wm)} {prev}"
        if any(v != 0 for v in bm):
            z += f" + {s.p(bm)}"
        lhs = r"\mathbf{y}" if l == L else rf"\mathbf{{h}}^{{({l})}}"
        rows.append(f"{lhs} &= {_apply_act(act, z, s)}")
        prev = lhs
    return rows


# ---------------------------------------------------------------------------
# lists: constraints, conditions, anything
# ---------------------------------------------------------------------------

def _align_at_relation(text):
    """Insert the alignment point before the last top-level relation."""
    for rel in (r" \neq ", " = ", r" \leq ", r" \geq ", " < ", " > "):
        i = text.rfind(rel)
        if i >= 0:
            return text[:i] + " &" + text[i:].lstrip()
    return "& " + text


def _rows(items, s):
    env = s["environment"]
    bodies = [_item_tex(it, s) for it in items]
    if env in (None, "inline"):
        return ", ".join(bodies)
    if env in ("equation", "equation*"):
        return _wrap(env, [r"\begin{gathered}" + " \\\\\n".join(bodies) + r"\end{gathered}"])
    return _wrap(env, [_align_at_relation(b) for b in bodies])


def _item_tex(it, s):
    if isinstance(it, Polynomial):
        return _join(_signed_terms(it, s))
    return s.p(it)


# ---------------------------------------------------------------------------
# tables and documents
# ---------------------------------------------------------------------------

def coefficient_table(poly, top=20, *, sort="magnitude", digits=None, caption=None, label=None,
                      **settings):
    """The largest coefficients of a polynomial as a booktabs ``tabular``.

    Parameters
    ----------
    poly : Polynomial or tuple of Polynomial
        Several polynomials (outputs) give one coefficient column each.
    top : int or None
        How many rows (default 20); None for every term.
    sort : {"magnitude", "degree"}
        Largest absolute value first (the largest over the outputs), or by
        degree then monomial.  Symbolic coefficients have no magnitude and
        are sorted by degree.
    digits : int, optional
        Significant digits for float coefficients.
    caption, label : str, optional
        When given, the tabular is wrapped in a ``table`` float with this
        caption and ``\\label``.
    **settings
        Passed to sympy's LaTeX printer.

    Returns
    -------
    str
        Needs ``\\usepackage{booktabs}`` (and ``amsmath`` for the math).

    Examples
    --------
    >>> import symnet
    >>> net = symnet.Network.dense([[[1, 2]]], activations=["sigmoid"])
    >>> print(symnet.coefficient_table(symnet.expand(net, 3), top=3))
    \\begin{tabular}{lrr}
    \\toprule
    Monomial & Degree & Coefficient \\\\
    \\midrule
    $1$ & 0 & $\\frac{1}{2}$ \\\\
    $x_{2}$ & 1 & $\\frac{1}{2}$ \\\\
    $x_{1}$ & 1 & $\\frac{1}{4}$ \\\\
    \\midrule
    \\multicolumn{3}{l}{\\footnotesize 3 of 7 terms, by magnitude} \\\\
    \\bottomrule
    \\end{tabular}
    """
    polys = [poly] if isinstance(poly, Polynomial) else list(poly) \
        if isinstance(poly, (tuple, list)) else None
    if not polys or not all(isinstance(p, Polynomial) for p in polys):
        raise InputError(f"expected a Polynomial or a tuple of them, got {type(poly).__name__}")
    if top is not None and (isinstance(top, bool) or not isinstance(top, numbers.Integral)
                            or top < 1):
        raise ArgumentError(f"top must be a positive integer or None, got {top!r}")
    if sort not in ("magnitude", "degree"):
        raise ArgumentError(f"sort must be 'magnitude' or 'degree', got {sort!r}")
    s = _Settings(dict(settings, digits=digits))
    tables = [p.terms() for p in polys]
    exps = sorted(set().union(*tables), key=lambda e: (sum(e), tuple(-i for i in e)))
    by = "degree"
    if sort == "magnitude":
        mags = {}
        try:
            for e in exps:
                mags[e] = max(abs(float(t.get(e, 0))) for t in tables)
            exps.sort(key=lambda e: -mags[e])
            by = "magnitude"
        except TypeError:
            pass
    total = len(exps)
    if top is not None:
        exps = exps[:top]
    ncoef = len(polys)
    spec = "lr" + "r" * ncoef
    head = ["Monomial", "Degree"] + (["Coefficient"] if ncoef == 1 else
                                     [f"$y_{{{k + 1}}}$" for k in range(ncoef)])
    lines = [rf"\begin{{tabular}}{{{spec}}}", r"\toprule", " & ".join(head) + r" \\", r"\midrule"]
    p0 = polys[0]
    for e in exps:
        cells = [f"${s.p(p0.monomial(e))}$", str(sum(e))]
        for p, t in zip(polys, tables):
            c = t.get(e, 0)
            if sum(e) > p.order:
                cells.append("")
            else:
                cells.append(f"${s.p(sympy.Float(c) if isinstance(c, float) else c)}$")
        lines.append(" & ".join(cells) + r" \\")
    if len(exps) < total:
        lines.append(r"\midrule")
        lines.append(rf"\multicolumn{{{2 + ncoef}}}{{l}}{{\footnotesize {len(exps)} of {total} "
                     rf"terms, by {by}}} \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    out = "\n".join(lines)
    if caption is not None or label is not None:
        inner = [r"\begin{table}[htbp]", r"\centering"]
        if caption is not None:
            inner.append(rf"\caption{{{caption}}}")
        if label is not None:
            inner.append(rf"\label{{{label}}}")
        out = "\n".join(inner + [out, r"\end{table}"])
    return out


def latex_document(*parts, title=None, **settings):
    """A complete LaTeX document (``article``, ``amsmath``, ``booktabs``) around the parts.

    Parameters
    ----------
    *parts : str or objects
        Strings are copied as they are (LaTeX); anything else goes through
        :func:`latex` with ``settings``.
    title : str, optional
    **settings
        For :func:`latex`.

    Returns
    -------
    str

    Examples
    --------
    >>> import symnet
    >>> net = symnet.Network.dense([[[1, 2]]], activations=["sigmoid"])
    >>> doc = symnet.latex_document("The polynomial:", symnet.expand(net, 3), title="Demo")
    >>> doc.splitlines()[:3]
    ['\\\\documentclass{article}', '\\\\usepackage{amsmath}', '\\\\usepackage{booktabs}']
    >>> doc.rstrip().endswith("\\\\end{document}")
    True
    """
    body = []
    for p in parts:
        if isinstance(p, str):
            body.append(p)
        else:
            t = latex(p, **settings)
            if not t.lstrip().startswith("\\begin{"):
                t = "\\[\n" + t + "\n\\]"
            body.append(t)
    head = [r"\documentclass{article}", r"\usepackage{amsmath}", r"\usepackage{booktabs}",
            r"\usepackage[margin=2cm]{geometry}", r"\allowdisplaybreaks"]
    if title is not None:
        head.append(rf"\title{{{title}}}")
        head.append(r"\date{}")
    head.append(r"\begin{document}")
    if title is not None:
        head.append(r"\maketitle")
    return "\n".join(head) + "\n\n" + "\n\n".join(body) + "\n\n\\end{document}\n"

"""Pictures of piecewise-linear maps (matplotlib, imported on first use).

* one input: the graph of each output, breakpoints marked;
* two inputs: the regions as polygons coloured by region (or by piece for a
  merged map), optionally the decision boundary ``f_k(x) = level`` drawn
  exactly (segment by segment, one per region it crosses).

Unbounded regions (``box=None``) are clipped to a window around the finite
vertices for display only.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import symnet
>>> from symnet import Network
>>> pw = symnet.piecewise(Network.dense([[[1, 0], [0, 1]], [[1, -1]]],
...                                     activations=["relu", "identity"]), box=[(-1, 1)] * 2)
>>> ax = pw.plot(level=0)
>>> len(ax.patches)
4
"""

from __future__ import annotations

from flint import fmpq

from ..errors import ArgumentError, NotSupportedError
from .polyhedra import clip_polygon

__all__ = ["plot_piecewise"]


def _window(pw):
    b = pw._box
    if b.kind == "box":
        return [(lo, hi) for lo, hi in b.bounds]
    pts = []
    for r in pw.regions:
        for c in r.cells:
            cone = c._generators()
            pts += [tuple(fmpq(v, g.vec[-1]) for v in g.vec[:-1]) for g in cone.gens
                    if g.vec[-1] > 0]
    d = pw.n_inputs
    if not pts:
        return [(fmpq(-1), fmpq(1))] * d
    out = []
    for i in range(d):
        lo = min(p[i] for p in pts)
        hi = max(p[i] for p in pts)
        pad = max((hi - lo) / 4, fmpq(1))
        out.append((lo - pad, hi + pad))
    return out


def _cell_polygon(cell, window):
    """The region clipped to the window, as exact 2-D points in order."""
    (x0, x1), (y0, y1) = window
    poly = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    for row, _ in cell._facets_q():
        if not poly:
            break
        poly = clip_polygon(poly, (fmpq(row[0]), fmpq(row[1])), fmpq(row[2]))
    return poly


def plot_piecewise(pw, ax=None, *, output=0, level=None, cmap="tab20", annotate=None,
                   edgecolor="k", linewidth=0.4, **kw):
    """Draw a piecewise-linear map.

    Parameters
    ----------
    pw : PiecewiseLinear
    ax : matplotlib Axes, optional
    output : int
        Which output (1 input: plot it; 2 inputs: for ``level``).
    level : number, optional
        Two inputs: draw the decision boundary ``f_output(x) = level``.
    cmap : str
        Colour map for the regions.
    annotate : bool, optional
        Two inputs: write each region's index at its interior point (default
        when there are at most 30 regions).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import symnet
    >>> from symnet.constructions import sawtooth
    >>> plot_piecewise(symnet.piecewise(sawtooth(2), box=[(0, 1)])).get_title()
    '4 regions, 3 breakpoints'
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon

    if output is not None and (isinstance(output, bool) or not isinstance(output, int)
                               or not 0 <= output < pw.n_outputs):
        raise ArgumentError(f"output: expected an output index 0..{pw.n_outputs - 1} (or None "
                            f"for all), got {output!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=kw.pop("figsize", (5, 4)))
    d = pw.n_inputs
    if d == 1:
        (lo, hi), = _window(pw)
        xs = sorted({lo, hi} | {fmpq(int(b.p), int(b.q)) for b in _breaks(pw)})
        xs = [x for x in xs if lo <= x <= hi]
        outs = range(pw.n_outputs) if output is None else [output]
        for o in outs:
            ys = [pw._locate((x,))._value_q((x,))[o] for x in xs]
            ax.plot([float(x) for x in xs], [float(y) for y in ys], "-", lw=1.5,
                    label=f"output {o + 1}", **kw)
            bx = [x for x in xs if lo < x < hi]
            by = [pw._locate((x,))._value_q((x,))[o] for x in bx]
            ax.plot([float(x) for x in bx], [float(y) for y in by], "o", ms=3, color="k")
        ax.set_xlabel(str(pw.inputs[0]))
        ax.set_title(f"{len(pw)} {'pieces' if pw._merged_from is not None else 'regions'}, "
                     f"{len(_breaks(pw))} breakpoints")
        return ax
    if d != 2:
        raise NotSupportedError("plot() draws maps of one or two inputs")
    window = _window(pw)
    colours = plt.get_cmap(cmap)
    n = len(pw.regions)
    if annotate is None:
        annotate = n <= 30
    for r in pw.regions:
        for c in r.cells:
            poly = _cell_polygon(c, window)
            if len(poly) < 3:
                continue
            ax.add_patch(Polygon([(float(x), float(y)) for x, y in poly], closed=True,
                                 facecolor=colours(r.index % colours.N), edgecolor=edgecolor,
                                 linewidth=linewidth, alpha=0.8))
        if annotate:
            p = r.cells[0]._point_q()
            if all(w[0] <= v <= w[1] for v, w in zip(p, window)):
                ax.text(float(p[0]), float(p[1]), str(r.index), ha="center", va="center",
                        fontsize=7)
    if level is not None:
        lv = fmpq(level) if isinstance(level, int) else _exact(level)
        for r in pw.regions:
            for c in r.cells:
                M, cc = c._affine_q()
                a, b = M[output]
                if a == 0 and b == 0:
                    continue
                poly = _cell_polygon(c, window)
                if len(poly) < 3:
                    continue
                seg = _level_segment(poly, a, b, cc[output] - lv)
                if seg is not None:
                    (p, q) = seg
                    ax.plot([float(p[0]), float(q[0])], [float(p[1]), float(q[1])], "-",
                            color="k", lw=2)
    (x0, x1), (y0, y1) = window
    ax.set_xlim(float(x0), float(x1))
    ax.set_ylim(float(y0), float(y1))
    ax.set_xlabel(str(pw.inputs[0]))
    ax.set_ylabel(str(pw.inputs[1]))
    ax.set_aspect("equal", adjustable="box")
    ax.set_title(f"{n} {'pieces' if pw._merged_from is not None else 'regions'}")
    return ax


def _exact(v):
    from .exactnet import to_fmpq
    return to_fmpq(v)


def _breaks(pw):
    return pw.breakpoints


def _level_segment(poly, a, b, c):
    """The exact segment where ``a x + b y + c = 0`` crosses a convex polygon, or None."""
    pts = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        sp = a * p[0] + b * p[1] + c
        sq = a * q[0] + b * q[1] + c
        if sp == 0:
            pts.append(p)
        if (sp > 0 and sq < 0) or (sp < 0 and sq > 0):
            lam = sp / (sp - sq)
            pts.append((p[0] + lam * (q[0] - p[0]), p[1] + lam * (q[1] - p[1])))
    pts = list(dict.fromkeys(pts))
    if len(pts) < 2:
        return None
    return pts[0], pts[-1]

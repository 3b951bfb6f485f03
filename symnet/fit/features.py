"""Super Space features: the value of every monomial of degree <= Q at every data row.

The columns follow the package's monomial order (:mod:`symnet.monomials`:
by total degree, then colex order of the sorted variable indices), so a
coefficient vector over these columns is a polynomial:
:func:`polynomial_from_vector` and :func:`vector_from_polynomial` convert
between the two views.

Float data give a float64 array; exact data (ints, Fractions, sympy
Rationals) give a python-flint ``fmpq_mat`` with exact rational entries.

Examples
--------
>>> from symnet.fit import monomial_features
>>> F, mons = monomial_features([[1, 2], [3, -1]], 2)
>>> mons
[(0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2)]
>>> F
[1,  1,  2, 1,  2, 4]
[1,  3, -1, 9, -3, 1]
"""

from __future__ import annotations

import numbers
from fractions import Fraction
from math import comb

import numpy as np
import sympy

from .._validate import as_order, as_symbols, memory_limit_bytes, refuse_if_over
from ..errors import ArgumentError, OrderError, ShapeError
from ..monomials import basis, monomials
from ..polynomial import Polynomial

__all__ = ["monomial_features", "polynomial_from_vector", "vector_from_polynomial"]

#: bytes per exact feature entry (object pointer, fmpq object, fmpq_mat entry)
EXACT_ENTRY_BYTES = 160


# ---------------------------------------------------------------------------
# data: float64 arrays or object arrays of flint fmpq
# ---------------------------------------------------------------------------

def _fmpq(v):
    import flint

    return flint.fmpq(v)


def _exact_scalar(v):
    """An exact number as flint.fmpq, or None when ``v`` is not exact."""
    import flint

    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return flint.fmpq(v)
    if isinstance(v, Fraction):
        return flint.fmpq(v.numerator, v.denominator)
    if isinstance(v, (flint.fmpq, flint.fmpz)):
        return flint.fmpq(v)
    if isinstance(v, sympy.Rational):
        return flint.fmpq(int(v.p), int(v.q))
    if isinstance(v, numbers.Rational) and not isinstance(v, sympy.Basic):
        return flint.fmpq(int(v.numerator), int(v.denominator))
    return None


def _float_scalar(v):
    """A float for float-like ``v`` (float, sympy Float, numpy float), or None."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool):
        return None
    if isinstance(v, float):
        return v
    if isinstance(v, sympy.Float):
        return float(v)
    return None


def _where_bad(mask):
    """'row i, column j' of the first True entry of a 2-D mask."""
    i, j = (int(a[0]) for a in np.nonzero(mask))
    return i, j


def as_data(X, where="X", *, exact=None, ndim=2, columns=None):
    """Validate data: ``(float64 array, False)`` or ``(object array of fmpq, True)``.

    ``exact=None`` chooses exact arithmetic when every entry is exact (ints,
    Fractions, sympy Rationals); ``True`` converts floats to their exact
    binary values; ``False`` converts everything to float64.  ``ndim`` is 2
    for a feature matrix, 1 for targets (a 2-D target is allowed by
    ``ndim=(1, 2)``).  ``columns``: the number of columns expected.
    """
    if isinstance(X, dict):
        raise ArgumentError(f"{where}: a mapping of columns needs inputs=...; got a dict")
    if hasattr(X, "detach") and hasattr(X, "numpy"):  # a torch tensor
        X = X.detach().cpu().numpy()
    if isinstance(X, (str, bytes)):
        raise ArgumentError(f"{where}: expected numbers, got the string {X[:40]!r}")
    if hasattr(X, "toarray") and hasattr(X, "nnz"):   # a scipy sparse matrix or array
        raise ArgumentError(f"{where}: expected a dense array, got a sparse "
                            f"{type(X).__name__} of shape {X.shape}; pass X.toarray() (the "
                            "monomial features of sparse data are dense)")
    if not isinstance(X, np.ndarray):
        try:
            A = np.asarray(X, dtype=object if _has_exact(X) else None)
        except (ValueError, TypeError):
            raise ShapeError(f"{where}: expected a rectangular array of numbers, got ragged "
                             f"or non-numeric {type(X).__name__}") from None
    else:
        A = X
    ndims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if A.ndim not in ndims:
        hint = " (use X.reshape(-1, 1) for a single input)" if A.ndim == 1 and 2 in ndims else ""
        want = " or ".join(f"{d}-D" for d in ndims)
        raise ShapeError(f"{where}: expected a {want} array, got shape {A.shape}{hint}")
    if A.shape[0] == 0:
        raise ShapeError(f"{where}: expected at least one row, got shape {A.shape}")
    if A.ndim == 2 and A.shape[1] == 0:
        raise ShapeError(f"{where}: expected at least one column, got shape {A.shape}")
    if columns is not None and A.ndim == 2 and A.shape[1] != columns:
        raise ShapeError(f"{where}: expected {columns} columns, got shape {A.shape}")
    kind = A.dtype.kind
    if kind in "US":
        raise ArgumentError(f"{where}: expected numbers, got an array of strings "
                            "(read files with symnet's CSV reader; strings are never evaluated)")
    if kind == "c":
        raise ArgumentError(f"{where}: expected real numbers, got complex dtype {A.dtype}")
    if kind == "b":
        A = A.astype(np.int64)
        kind = "i"
    if kind == "f":
        if exact:
            return _exact_array(A, where, allow_float=True), True
        return _finite(A.astype(np.float64, copy=False), where), False
    if kind in "iu":
        if exact is False:
            return A.astype(np.float64), False
        return _exact_array(A, where), True
    if kind != "O":
        raise ArgumentError(f"{where}: expected numbers, got dtype {A.dtype}")
    flat = A.ravel()
    exacts = [_exact_scalar(v) for v in flat]
    if all(e is not None for e in exacts) and exact is not False:
        out = np.empty(len(flat), dtype=object)
        out[:] = exacts
        return out.reshape(A.shape), True
    floats = []
    for k, (v, e) in enumerate(zip(flat, exacts)):
        f = _float_scalar(v) if e is None else None
        if e is None and f is None:
            pos = np.unravel_index(k, A.shape)
            raise ArgumentError(f"{where}: expected a rational or float number at "
                                f"{_pos(pos)}, got {type(v).__name__} {_short(v)}")
        floats.append(f if e is None else (int(e.p) / int(e.q)))
    if exact:
        return _exact_array(np.array(floats).reshape(A.shape), where, allow_float=True), True
    F = np.array(floats, dtype=np.float64).reshape(A.shape)
    return _finite(F, where), False


def _has_exact(X):
    """True when a (nested) list holds a Fraction or sympy number (keep them as objects)."""
    stack = [X]
    seen = 0
    while stack and seen < 1_000_000:
        v = stack.pop()
        seen += 1
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        elif isinstance(v, (Fraction, sympy.Basic)) or (isinstance(v, int)
                                                          and abs(v) >= 1 << 62):
            return True
        elif type(v).__module__ == "flint":
            return True
    return False


def _pos(pos):
    return f"row {pos[0]}, column {pos[1]}" if len(pos) == 2 else f"index {pos[0]}"


def _short(v):
    s = repr(v)
    return s if len(s) <= 40 else s[:40] + "..."


def _finite(A, where):
    if not np.all(np.isfinite(A)):
        bad = ~np.isfinite(A)
        if A.ndim == 2:
            i, j = _where_bad(bad)
            raise ArgumentError(f"{where}: expected finite numbers, got {A[i, j]} at row {i}, "
                                f"column {j}")
        i = int(np.nonzero(bad)[0][0])
        raise ArgumentError(f"{where}: expected finite numbers, got {A[i]} at index {i}")
    return A


def _exact_array(A, where, allow_float=False):
    import flint

    if A.dtype.kind == "f":
        _finite(A, where)
        vals = [flint.fmpq(*Fraction(float(v)).as_integer_ratio()) for v in A.ravel()]
    else:
        vals = [flint.fmpq(int(v)) for v in A.ravel().tolist()]
    out = np.empty(len(vals), dtype=object)
    out[:] = vals
    return out.reshape(A.shape)


# ---------------------------------------------------------------------------
# the product plan: contiguous runs of columns, one multiplication each
# ---------------------------------------------------------------------------

_PLANS = {}


def _plan(nvars, order):
    """Runs ``(dst, src, length, var)``: ``F[:, dst:dst+length] = F[:, src:src+length] * x_var``.

    Derived from the basis' multisets (each monomial of degree d is its
    parent of degree d - 1 times its largest variable), merged into runs
    where both the destination and the parent are consecutive.
    """
    key = (nvars, order)
    if key not in _PLANS:
        B = basis(nvars, order)
        runs = []
        for d in range(1, order + 1):
            ms = B.multisets(d)
            parent = B.offsets[d - 1] + B.rank(ms[:, :-1])
            var = ms[:, -1]
            dst = B.offsets[d]
            start = 0
            for k in range(1, len(var) + 1):
                if k == len(var) or var[k] != var[start] or parent[k] != parent[k - 1] + 1:
                    runs.append((dst + start, int(parent[start]), k - start, int(var[start])))
                    start = k
        _PLANS[key] = (B.size, tuple(runs))
        if len(_PLANS) > 64:
            _PLANS.pop(next(iter(_PLANS)))
    return _PLANS[key]


def _columns_T(XT, order, one):
    """(m, n) array of monomial values from the (d, n) transposed data."""
    d, n = XT.shape
    m, runs = _plan(d, order)
    out = np.empty((m, n), dtype=XT.dtype)
    out[0] = one
    for dst, src, length, var in runs:
        np.multiply(out[src:src + length], XT[var], out=out[dst:dst + length])
    return out


def feature_count(nvars, order):
    """Number of monomials of degree <= ``order`` in ``nvars`` variables."""
    return comb(nvars + order, order)


def check_memory(n, m, exact, memory_limit, where="monomial_features", copies=1):
    """Refuse (ResourceError) feature matrices past the memory limit.

    ``copies``: how many arrays of that size the caller holds at once.
    """
    limit, desc = memory_limit_bytes(memory_limit)
    per = (EXACT_ENTRY_BYTES if exact else 8) * copies
    advice = "lower the order, use fewer rows or fewer inputs"
    if where == "monomial_features":
        advice += ", or pass memory_limit=None"
    refuse_if_over(per * n * m, limit, desc,
                   f"{where}: {n:,} rows x {m:,} monomials ({'exact' if exact else 'float64'})",
                   advice)


def _features(A, exact, order):
    """Features of validated data: float64 (n, m) F-ordered array, or (m, n) object fmpq."""
    if exact:
        return _columns_T(np.ascontiguousarray(A.T), order, _fmpq(1))
    return _columns_T(np.ascontiguousarray(A.T), order, 1.0).T


def _to_fmpq_mat(FT):
    """flint.fmpq_mat (n, m) from the (m, n) object array of fmpq."""
    import flint

    m, n = FT.shape
    return flint.fmpq_mat(n, m, FT.T.ravel().tolist())


def _columns_of_mapping(X, inputs, where):
    syms = as_symbols(inputs, "inputs") if inputs is not None else None
    keys = list(X)
    names = {}
    for k in keys:
        name = k.name if isinstance(k, sympy.Symbol) else k
        if not isinstance(name, str):
            raise ArgumentError(f"{where}: mapping keys must be Symbols or names, got {k!r}")
        names[name] = k
    if syms is None:
        syms = as_symbols([names_k for names_k in names], "inputs")
    cols = []
    for s in syms:
        if s.name not in names:
            raise ShapeError(f"{where}: no column for the input {s}; columns: "
                             f"{', '.join(sorted(names))}")
        cols.append(list(np.asarray(X[names[s.name]], dtype=object).ravel()))
    if len({len(c) for c in cols}) > 1:
        raise ShapeError(f"{where}: columns have different lengths {[len(c) for c in cols]}")
    return [list(r) for r in zip(*cols)], syms


def monomial_features(X, order, inputs=None, *, exact=None, memory_limit="auto"):
    """The Super Space features of data: every monomial of degree <= ``order`` at every row.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_inputs), or dict
        Rows are samples.  Float data (numpy float arrays, Python floats)
        give float64 features.  Exact data (ints, ``fractions.Fraction``,
        sympy Rationals, numpy integer arrays) give exact features.  A dict
        ``{Symbol or name: column}`` is read in the order of ``inputs``.
    order : int
        Largest total degree ``Q``.
    inputs : sequence of Symbols or str, optional
        The input variables, one per column (their order is the columns'
        order); checked against the number of columns.  Needed to pick the
        columns of a dict.
    exact : bool, optional
        Default: exact when every entry is exact.  ``True`` reads floats at
        their exact binary value; ``False`` computes in float64.
    memory_limit : "auto", int or None
        Refuse (``ResourceError``) when the result would need more than half
        the available memory (``"auto"``) or this many bytes.

    Returns
    -------
    F : numpy.ndarray or flint.fmpq_mat, shape (n_samples, n_monomials)
        float64 (a Fortran-ordered array: each column contiguous) for float
        data; a python-flint ``fmpq_mat`` of exact rationals for exact data
        (``F[i, j]`` is a ``flint.fmpq``; ``F.tolist()`` gives rows).
    monomials : list of tuple
        The exponent tuple of each column, in the package's monomial order
        (:func:`symnet.monomials.monomials`).

    Raises
    ------
    ShapeError
        ``X`` is not 2-D, is empty, or has the wrong number of columns.
    ArgumentError
        NaN, infinite, complex or non-numeric entries (with their position).
    ResourceError
        The result would not fit in memory (the message gives the estimate).

    Examples
    --------
    >>> import numpy as np
    >>> from fractions import Fraction
    >>> from symnet.fit import monomial_features
    >>> F, mons = monomial_features(np.array([[0.5, 2.0]]), 2)
    >>> F
    array([[1.  , 0.5 , 2.  , 0.25, 1.  , 4.  ]])
    >>> F, _ = monomial_features([[Fraction(1, 2), 3]], 2)
    >>> F
    [1, 1/2, 3, 1/4, 3/2, 9]
    """
    order = as_order(order)
    if isinstance(X, dict):
        X, syms = _columns_of_mapping(X, inputs, "X")
        inputs = syms
    A, is_exact = as_data(X, "X", exact=exact)
    n, d = A.shape
    if inputs is not None:
        as_symbols(inputs, "inputs", count=d)
    m = feature_count(d, order)
    check_memory(n, m, is_exact, memory_limit)
    F = _features(A, is_exact, order)
    if is_exact:
        F = _to_fmpq_mat(F)
    return F, monomials(d, order)


# ---------------------------------------------------------------------------
# vectors <-> polynomials
# ---------------------------------------------------------------------------

def _coeff_value(c, k):
    from .._validate import as_weight
    from ..errors import WeightError

    try:
        return as_weight(c, f"coeffs[{k}]")
    except WeightError as e:
        raise ArgumentError(str(e)) from None


def _as_coeff_list(coeffs):
    import flint

    if isinstance(coeffs, flint.fmpq_mat):
        if coeffs.ncols() != 1 and coeffs.nrows() != 1:
            raise ShapeError(f"coeffs: expected a vector, got a {coeffs.nrows()} x "
                             f"{coeffs.ncols()} matrix")
        return list(coeffs.entries())
    if isinstance(coeffs, sympy.MatrixBase):
        if 1 not in coeffs.shape:
            raise ShapeError(f"coeffs: expected a vector, got a matrix of shape {coeffs.shape}")
        return list(coeffs)
    if isinstance(coeffs, np.ndarray):
        if coeffs.ndim == 2 and 1 in coeffs.shape:
            coeffs = coeffs.ravel()
        if coeffs.ndim != 1:
            raise ShapeError(f"coeffs: expected a 1-D vector, got shape {coeffs.shape}")
        return list(coeffs)
    if isinstance(coeffs, (list, tuple)):
        return list(coeffs)
    raise ShapeError(f"coeffs: expected a vector (list, numpy array, sympy Matrix or fmpq_mat), "
                     f"got {type(coeffs).__name__}")


def polynomial_from_vector(coeffs, variables, order, *, center=None):
    """The Polynomial whose coefficients, in the package's monomial order, are ``coeffs``.

    Parameters
    ----------
    coeffs : sequence, numpy array, sympy Matrix or flint.fmpq_mat
        One coefficient per monomial of degree <= ``order`` (``C(n + Q, Q)``
        of them), ordered as the columns of :func:`monomial_features`.
    variables : sequence of Symbols or str
    order : int
    center : sequence, optional
        As in :class:`symnet.Polynomial`.

    Returns
    -------
    Polynomial

    Examples
    --------
    >>> from symnet.fit import polynomial_from_vector
    >>> print(polynomial_from_vector([1, 0, 2, 0, -1, 0], "x y", 2))
    1 + 2*y - x*y + O(|(x, y)|**3)
    """
    variables = as_symbols(variables, "variables")
    order = as_order(order)
    vals = _as_coeff_list(coeffs)
    m = feature_count(len(variables), order)
    if len(vals) != m:
        raise ShapeError(f"coeffs: expected {m} coefficients (the monomials of degree <= "
                         f"{order} in {len(variables)} variables), got {len(vals)}")
    terms = {e: _coeff_value(c, k)
             for k, (e, c) in enumerate(zip(monomials(len(variables), order), vals))}
    return Polynomial(terms, variables, order, center=center)


def vector_from_polynomial(poly, order=None):
    """The coefficient vector of a Polynomial in the package's monomial order.

    Parameters
    ----------
    poly : Polynomial
    order : int, optional
        Default the polynomial's truncation order; a lower order truncates.

    Returns
    -------
    numpy.ndarray
        float64 for float polynomials (domain ``RR``), else an object array
        of sympy coefficients.

    Examples
    --------
    >>> import sympy
    >>> from symnet import Polynomial
    >>> from symnet.fit import vector_from_polynomial
    >>> x, y = sympy.symbols("x y")
    >>> vector_from_polynomial(Polynomial(1 + 2*y - x*y, (x, y), 2))
    array([1, 0, 2, 0, -1, 0], dtype=object)
    """
    if not isinstance(poly, Polynomial):
        raise ArgumentError(f"expected a symnet Polynomial, got {type(poly).__name__}")
    order = poly.order if order is None else as_order(order)
    if order > poly.order:
        raise OrderError(f"the coefficients of degree {poly.order + 1} to {order} are not "
                         f"known: the polynomial is truncated at order {poly.order}")
    terms = poly.terms()
    mons = monomials(len(poly.variables), order)
    if poly.domain == "RR":
        return np.array([float(terms.get(e, 0.0)) for e in mons], dtype=np.float64)
    out = np.empty(len(mons), dtype=object)
    out[:] = [terms.get(e, sympy.S.Zero) for e in mons]
    return out


def fmpq_to_sympy(q):
    """A flint fmpq as a sympy Rational."""
    return sympy.Rational(int(q.p), int(q.q))

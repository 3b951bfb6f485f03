"""Resource limits of :mod:`symnet.pde`: what is refused up front, and why.

Whatever size can be known before any work starts -- the number of
constraints of an architecture, the matrix of a ridge sum, the nesting of a
tree, the terms of a generic polynomial, the expansion of a symbolic
determinant -- is estimated first.  A request beyond a limit is refused in
microseconds with a :class:`~symnet.errors.ResourceError` that states the
estimate and the limit, instead of a ``MemoryError`` (or hours of work)
later.  Memory estimates are compared with half of the memory this process
may still use (:func:`symnet._validate.available_memory`: the machine, the
cgroup and ``RLIMIT_AS``).

Examples
--------
>>> from symnet.pde.limits import MAX_CONSTRAINTS, refuse_if_too_large
>>> MAX_CONSTRAINTS
1000000
>>> refuse_if_too_large("pde_constraints(RidgeSum(40, (x, y)))", 10**70, 10**73, "constraints",
...                     "use reduced=True")
Traceback (most recent call last):
...
symnet.errors.ResourceError: pde_constraints(RidgeSum(40, (x, y))) would build about 1.0e+70 constraints ...
"""

import math

from .._validate import available_memory
from ..errors import ResourceError

__all__ = ["MAX_CONSTRAINTS", "MAX_TREE_DEPTH", "MAX_SPEC_LENGTH", "MAX_DET_STEPS", "MAX_TERMS",
           "MAX_EXACT_BITS", "memory_budget", "refuse_if_too_large", "describe_count", "describe_bytes",
           "describe_value", "det_steps", "refuse_large_det"]

#: Most constraints one call builds (about 30 us and 0.3-3 KB each).
MAX_CONSTRAINTS = 1_000_000
#: Deepest nesting of a tree (internal nodes on a root-to-leaf path).
MAX_TREE_DEPTH = 100
#: Longest tree spec string, in characters.
MAX_SPEC_LENGTH = 1 << 20
#: Most Laplace-expansion steps of one symbolic determinant (a 16 x 16 matrix
#: of derivatives takes about 5 * 10**5 steps and minutes of sympy time).
MAX_DET_STEPS = 1 << 20
#: Most terms of a generic polynomial.
MAX_TERMS = 1_000_000
#: Largest exact value check_pde computes at a point, in bits (estimated as the
#: largest exponent in ``f`` times the size of the coordinates).
MAX_EXACT_BITS = 1_000_000


def memory_budget():
    """``(bytes, description)``: half of the memory this process may still use.

    Examples
    --------
    >>> from symnet.pde.limits import memory_budget
    >>> memory_budget()[0] > 0
    True
    """
    avail = available_memory()
    return avail // 2, f"half of the {avail / 2**30:.1f} GiB this process may still use"


def describe_count(n):
    """An integer of any size, readably: ``1,234`` or ``about 1.2e+88``.

    Examples
    --------
    >>> from symnet.pde.limits import describe_count
    >>> describe_count(1234), describe_count(10**100)
    ('1,234', 'about 1.0e+100')
    """
    n = int(n)
    if n < 0:
        text = describe_count(-n)
        return text.replace("about ", "about -") if text.startswith("about") else "-" + text
    if n < 10**12:
        return f"{n:,}"
    e = math.log10(n)  # exact for ints of any size
    exponent = int(e)
    mantissa = 10 ** (e - exponent)
    if mantissa >= 9.95:
        mantissa, exponent = 1.0, exponent + 1
    return f"about {mantissa:.1f}e+{exponent:02d}"


def describe_value(value, limit=80):
    """A value for an error message: its repr on one line, shortened to ``limit`` characters.

    Examples
    --------
    >>> from symnet.pde.limits import describe_value
    >>> describe_value([1, 2,
    ...                 3], limit=8)
    '[1, 2, 3...'
    >>> describe_value(10**5000)
    'about 1.0e+5000'
    """
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**12:
        return describe_count(value)
    try:
        text = repr(value)
    except Exception:  # e.g. sympy integers beyond Python's digit limit for str()
        return f"a {type(value).__name__}"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def describe_bytes(nbytes):
    """A byte count readably (MiB, GiB, or a power of ten when astronomical).

    Examples
    --------
    >>> from symnet.pde.limits import describe_bytes
    >>> describe_bytes(3 * 2**30), describe_bytes(10**40)
    ('3.00 GiB', '1.0e+40 bytes')
    """
    nbytes = int(nbytes)
    if nbytes >= 2**60:
        return describe_count(nbytes).replace("about ", "") + " bytes"
    if nbytes >= 2**30:
        return f"{nbytes / 2**30:.2f} GiB"
    return f"{nbytes / 2**20:.1f} MiB"


def refuse_if_too_large(who, count, nbytes, what, advice, max_count=MAX_CONSTRAINTS):
    """Raise :class:`~symnet.errors.ResourceError` when ``count`` items of ``nbytes`` in
    total exceed ``max_count`` or the memory budget; return None otherwise.

    Examples
    --------
    >>> from symnet.pde.limits import refuse_if_too_large
    >>> refuse_if_too_large("this", 10, 1000, "constraints", "do less")
    """
    if max_count is not None and count > max_count:
        raise ResourceError(
            f"{who} would build {describe_count(count)} {what} (about {describe_bytes(nbytes)}), "
            f"more than the limit of {max_count:,} {what}; {advice}")
    budget, description = memory_budget()
    if nbytes > budget:
        raise ResourceError(
            f"{who} would build {describe_count(count)} {what} needing about "
            f"{describe_bytes(nbytes)}, more than {description}; {advice}")


def det_steps(size):
    """Laplace-expansion steps of a symbolic ``size x size`` determinant (with memoisation).

    Examples
    --------
    >>> from symnet.pde.limits import det_steps
    >>> det_steps(2), det_steps(16)
    (4, 524288)
    """
    return size * 2 ** (size - 1) if size > 0 else 0


def refuse_large_det(size, who):
    """Refuse a symbolic determinant whose expansion exceeds :data:`MAX_DET_STEPS`.

    Examples
    --------
    >>> from symnet.pde.limits import refuse_large_det
    >>> refuse_large_det(4, "a constraint")
    """
    steps = det_steps(size)
    if steps > MAX_DET_STEPS:
        raise ResourceError(
            f"{who}: the symbolic determinant of a {size} x {size} matrix of derivatives needs "
            f"{describe_count(steps)} expansion steps, more than the limit of {MAX_DET_STEPS:,}; "
            "use a smaller architecture")

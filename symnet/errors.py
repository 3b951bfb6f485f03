"""The symnet exception hierarchy.

Every error symnet raises on bad input is a :class:`SymnetError`.  Each
subclass also derives from the builtin exception a caller would expect
(``ValueError`` for bad values, ``TypeError`` for bad types), so code that
catches builtins keeps working.

Examples
--------
>>> from symnet.errors import SymnetError, ShapeError
>>> issubclass(ShapeError, ValueError) and issubclass(ShapeError, SymnetError)
True
"""

__all__ = [
    "SymnetError",
    "ShapeError",
    "ActivationError",
    "UnknownActivationError",
    "NonAnalyticActivationError",
    "OrderError",
    "WeightError",
    "InputError",
    "DomainError",
    "ExpansionTooLargeError",
    "NotSupportedError",
    "FormatError",
    "BoxError",
    "UncertifiedBoundError",
    "ParseError",
    "ResourceError",
    "ArgumentError",
    "DependencyError",
    "FileError",
]


class SymnetError(Exception):
    """Base class of every error raised by symnet on bad input."""


class ShapeError(SymnetError, ValueError):
    """A weight matrix, bias vector or point has the wrong shape."""


class ActivationError(SymnetError, ValueError):
    """An activation cannot be used as asked."""


class UnknownActivationError(ActivationError, KeyError):
    """An activation name is not in the registry."""

    def __str__(self):  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class NonAnalyticActivationError(ActivationError):
    """A non-analytic activation (relu, ...) was met where a series is needed."""


class OrderError(SymnetError, ValueError):
    """An expansion order or series degree is not a non-negative integer."""


class WeightError(SymnetError, ValueError):
    """A weight or bias is NaN, infinite, or of a type symnet cannot use."""


class InputError(SymnetError, TypeError):
    """Network inputs are not sympy Symbols (or are repeated)."""


class DomainError(SymnetError, ValueError):
    """A coefficient domain was asked for that does not fit the weights."""


class ResourceError(SymnetError, MemoryError):
    """The estimated memory or work of a request exceeds the limit (the message gives both)."""


class ExpansionTooLargeError(ResourceError):
    """The estimated work of an expansion exceeds what this machine can hold."""


class NotSupportedError(SymnetError, NotImplementedError):
    """A valid request that symnet does not support yet."""


class FormatError(SymnetError, ValueError):
    """A file or document does not follow the expected format."""


class ParseError(FormatError):
    """A string is not an expression symnet reads (strings are parsed, never evaluated)."""


class ArgumentError(SymnetError, ValueError):
    """An argument's value is not one the function accepts (a mode, a limit, a timeout)."""


class DependencyError(SymnetError, ImportError):
    """An optional dependency is not installed (the message says which extra to install)."""


class FileError(SymnetError, FileNotFoundError, IsADirectoryError):
    """A path does not name a readable file (missing, or a directory)."""


class BoxError(SymnetError, ValueError):
    """A box is malformed: lower > upper, an infinite or non-numeric end."""


class UncertifiedBoundError(SymnetError, ArithmeticError):
    """No rigorous error bound could be certified (the message says why)."""

"""symnet: neural networks as exact algebra.

A network is a symbolic expression graph (a networkx DAG); :func:`expand`
turns it into its polynomial, exactly, with the coefficient of every
monomial identified; :mod:`symnet.pde` generates and checks the PDE
constraints that hierarchical architectures impose.

Examples
--------
>>> import symnet
>>> net = symnet.Network.dense([[[1, 2]], [[1]]], activations=["sigmoid", "identity"])
>>> print(symnet.expand(net, 3))
1/2 + x1/4 + x2/2 - x1**3/48 - x1**2*x2/8 - x1*x2**2/4 - x2**3/6 + O(|(x1, x2)|**4)
"""

from . import errors
from .errors import *  # noqa: F401,F403
from . import activations
from .activations import *  # noqa: F401,F403
from . import polynomial
from .polynomial import *  # noqa: F401,F403
from . import network
from .network import *  # noqa: F401,F403
from . import expand as _expand_module
from .expand import *  # noqa: F401,F403
from . import pde
from .pde import *  # noqa: F401,F403
from . import bounds
from .bounds import *  # noqa: F401,F403
from . import io
from .io import *  # noqa: F401,F403
from . import torchio
from .torchio import *  # noqa: F401,F403
from . import latex as _latex_module
from .latex import *  # noqa: F401,F403
from . import plot
from .plot import *  # noqa: F401,F403
from . import testing  # noqa: F401  (assertions; needs no hypothesis)
from . import fit
from .fit import *  # noqa: F401,F403

__version__ = "0.1.0"

__all__ = (
    errors.__all__
    + activations.__all__
    + polynomial.__all__
    + network.__all__
    + _expand_module.__all__
    + pde.__all__
    + bounds.__all__
    + io.__all__
    + torchio.__all__
    + _latex_module.__all__
    + plot.__all__
    + fit.__all__
)

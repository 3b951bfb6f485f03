"""``python -m symnet``: the command line."""

import sys

__all__: list[str] = []

from .cli import main

sys.exit(main())

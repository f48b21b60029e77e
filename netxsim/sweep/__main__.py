"""``python -m netxsim.sweep`` (see :mod:`netxsim.sweep.cli`)."""
import sys

from .cli import main

sys.exit(main())

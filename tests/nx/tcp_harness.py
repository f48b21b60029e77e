"""Moved to ``netxsim.testing.tcp``; this name stays only so tests written against the old location
still import. New code imports ``netxsim.testing.tcp``."""
from netxsim.testing.tcp import *  # noqa: F401,F403

"""Moved to ``netxsim.testing.eventlog``; this name stays only so tests written against the old location
still import. New code imports ``netxsim.testing.eventlog``."""
from netxsim.testing.eventlog import *  # noqa: F401,F403

"""Moved to ``netxsim.testing.fake_tcp``; this name stays only so tests written against the old location
still import. New code imports ``netxsim.testing.fake_tcp``."""
from netxsim.testing.fake_tcp import *  # noqa: F401,F403

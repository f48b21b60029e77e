"""Moved to ``netxsim.testing.smtp_regression``; this name stays only so tests written against the old location
still import. New code imports ``netxsim.testing.smtp_regression``."""
from netxsim.testing.smtp_regression import *  # noqa: F401,F403

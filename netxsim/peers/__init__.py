"""Simulated hosts a device under test talks to, written on the same NetX API a C
application uses (server sockets, packets, an IP instance of their own).

- :mod:`netxsim.peers.smtp_server`: an SMTP server host (functional or scripted).
  Built from :mod:`netxsim.peers.smtp_dialogue` (the functional ESMTP dialogue),
  :mod:`netxsim.peers.smtp_script` (the scripted server's steps) and
  :mod:`netxsim.peers.smtp_session` (sessions, transcripts, mail and problems); every
  name stays importable from :mod:`netxsim.peers.smtp_server`.

Peers are created with a Pythonic call in ``tx_application_define`` and their threads
do not keep a run alive: ``tx_kernel_enter`` returns when the application's own
threads are done.
"""
from .smtp_server import (  # noqa: F401
    Close, Garbage, Mail, Problem, Reset, Send, Silence, SmtpServer, SmtpServerError, SmtpSession,
    Step, StepRecord,
)

__all__ = ["Close", "Garbage", "Mail", "Problem", "Reset", "Send", "Silence", "SmtpServer",
           "SmtpServerError", "SmtpSession", "Step", "StepRecord"]

"""Programs the cleanup tests run in a child process (``python -m tests.tap.ping_program MODE``).

``wait``: a Linux peer with ``sleep 60`` in it and a paced run that never ends by
itself; prints ``READY <namespace> <sleep pid>`` and waits to be interrupted.
``environment``: the SMTP demo's NetX host under ``NETXSIM_TAP``; runs for 1.5 s.
"""
from __future__ import annotations

import sys

from netxsim import *  # noqa: F403
from netxsim.tap import linux_peer

from .netx_host import NetxHost


def wait_mode() -> None:
    host = NetxHost()
    with linux_peer("1.2.3.10/24") as peer:
        sleeper = peer.popen(["sleep", "60"])

        def define(memory):
            host.define(memory)
            peer.bridge()

            def announce() -> None:
                print("READY", peer.namespace, sleeper.pid, flush=True)
                tx_thread_suspend(host.threads[0])  # forever: only a signal ends this run
            host.thread("announce", announce)
        tx_kernel_enter(define)


def environment_mode() -> None:
    host = NetxHost()

    def define(memory):
        host.define(memory)  # creates the segment: NETXSIM_TAP bridges it
        host.thread("idle", lambda: tx_thread_sleep(150))
    run = tx_kernel_enter(define)
    print("RUN", run.reason, run.ticks, flush=True)


if __name__ == "__main__":
    {"wait": wait_mode, "environment": environment_mode}[sys.argv[1]]()

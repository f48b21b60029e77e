"""Ending a run from inside the program: the C regression tests' ``test_control_return``."""
from __future__ import annotations

from netxsim.tx.kernel import kernel


def test_control_return(status: int) -> None:
    """``test_control_return(status)``: end the running ``tx_kernel_enter`` now.

    The C test framework's call that a test program makes when it has passed (status 0)
    or failed (non-zero). Here ``tx_kernel_enter`` returns a KernelRun with
    ``reason == "stopped"`` and ``run.status == status``; called from a thread, that
    thread never continues. A stopped run is finished, like a completed one.
    """
    kernel().stop(status)


test_control_return.__test__ = False  # a C name starting with "test": not a pytest test

__all__ = ["test_control_return"]

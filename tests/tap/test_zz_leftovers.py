"""Runs after the other tap tests: nothing they made is left behind."""
from __future__ import annotations

import os

import pytest

from netxsim.tap.netns import list_namespaces

pytestmark = pytest.mark.tap


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(") ", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def test_no_namespace_tap_device_or_process_left_behind():
    assert [name for name in list_namespaces() if name.startswith(f"netxsim-{os.getpid()}-")] == []
    assert not [name for name in os.listdir("/sys/class/net") if name.startswith("nxtap")]
    tun_fds = [fd for fd in os.listdir("/proc/self/fd")
               if os.path.realpath(f"/proc/self/fd/{fd}") == "/dev/net/tun"]
    assert tun_fds == []
    assert children_of(os.getpid()) == []

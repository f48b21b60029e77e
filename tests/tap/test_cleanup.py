"""linux_peer cleans up by name on every path: exception, Ctrl-C, SIGTERM, a killed owner."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from netxsim.tap import TapUnavailable, linux_peer, make_linux_peer
from netxsim.tap.netns import create_namespace, delete_namespace, namespace_exists

pytestmark = pytest.mark.tap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_peer_is_removed_when_the_block_raises():
    with pytest.raises(RuntimeError, match="boom"):
        with linux_peer("1.2.3.10/24") as peer:
            sleeper = peer.popen(["sleep", "60"])
            assert namespace_exists(peer.namespace)
            assert peer.run(["ip", "-o", "addr", "show", "nxtap0"], capture_output=True, text=True).stdout \
                .split()[3] == "1.2.3.10/24"
            raise RuntimeError("boom")
    assert not namespace_exists(peer.namespace)
    assert sleeper.poll() is not None and not alive(sleeper.pid)
    assert peer.tap_fd == -1


def test_namespace_has_no_route_off_the_subnet():
    with linux_peer("1.2.3.10/24") as peer:
        routes = peer.run(["ip", "-4", "route", "show"], capture_output=True, text=True).stdout.splitlines()
        links = peer.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    assert [route.split()[:3] for route in routes] == [["1.2.3.0/24", "dev", "nxtap0"]]  # no default route
    assert sorted(line.split(":")[1].strip() for line in links.splitlines()) == ["lo", "nxtap0"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_run_removes_namespace_tap_and_processes(signum):
    child = subprocess.Popen([sys.executable, "-m", "tests.tap.ping_program", "wait"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline().split()
        assert line[:1] == ["READY"], child.stderr.read()
        namespace, sleeper = line[1], int(line[2])
        assert namespace_exists(namespace) and alive(sleeper)
        child.send_signal(signum)
        child.wait(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    stderr = child.stderr.read()
    assert ("KeyboardInterrupt" in stderr) if signum == signal.SIGINT else child.returncode == 128 + signum
    assert not namespace_exists(namespace)
    assert not alive(sleeper)


def test_namespace_of_a_killed_owner_is_swept_by_the_next_peer():
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = f"netxsim-{dead.pid}-0"
    create_namespace(stale)
    try:
        with linux_peer("1.2.3.10/24"):
            assert not namespace_exists(stale)
    finally:
        delete_namespace(stale)


def test_environment_variable_bridges_a_program_and_cleans_up():
    ping = textwrap.dedent("""
        import socket, struct
        from netxsim.nx.wire import internet_checksum
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); s.settimeout(5)
        m = struct.pack('!BBHHH', 8, 0, 0, 7, 1) + b'env'
        s.sendto(m[:2] + struct.pack('!H', internet_checksum(m)) + m[4:], ('1.2.3.5', 0))
        data, address = s.recvfrom(2048)
        print('PONG', address[0], data[20] == 0, flush=True)
    """)
    environment = dict(os.environ, NETXSIM_TAP="1.2.3.10/24",
                       NETXSIM_TAP_COMMAND=f"{sys.executable} -c \"{ping}\"")
    result = subprocess.run([sys.executable, "-m", "tests.tap.ping_program", "environment"], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=30)
    assert "RUN completed 150" in result.stdout, result.stderr
    assert "PONG 1.2.3.5 True" in result.stdout, result.stderr
    namespace = result.stderr.split("network namespace ")[1].split(";")[0]
    assert "real-time pacing: 150 ticks" in result.stderr
    assert not namespace_exists(namespace)


def test_unavailable_reason_is_one_line_without_root():
    if os.geteuid() != 0:
        pytest.skip("already not root")
    result = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", sys.executable,
                             "-m", "demos.demo_netx_smtp_client", "--real-server"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    if "Permission denied" in result.stderr:
        pytest.skip("the unprivileged user cannot read this checkout")
    assert result.returncode == 1
    assert result.stdout == "--real-server: real peers need root (CAP_NET_ADMIN) to create network namespaces " \
                            "and TAP devices\n"


def test_make_linux_peer_says_what_is_missing(monkeypatch):
    monkeypatch.setattr("netxsim.tap.peer.tap_unavailable_reason", lambda: "real peers need /dev/net/tun")
    with pytest.raises(TapUnavailable, match="^real peers need /dev/net/tun$"):
        make_linux_peer("1.2.3.10/24")


def test_bridge_opens_and_closes_its_own_tap_in_a_namespace():
    from netxsim.tap import TapBridge
    from netxsim.tap.netns import ip
    from netxsim.nx.segment import EthernetSegment
    from netxsim.tx.kernel import Kernel
    with linux_peer("1.2.3.10/24") as peer:
        segment = EthernetSegment(Kernel())
        bridge = TapBridge(segment, "nxtap1", netns=peer.namespace)
        assert "nxtap1" in ip("-o", "link", "show", namespace=peer.namespace).stdout
        bridge.close()
        assert "nxtap1" not in ip("-o", "link", "show", namespace=peer.namespace).stdout
        with pytest.raises(ValueError, match="fd= .* or netns="):
            TapBridge(segment, "nxtap2")

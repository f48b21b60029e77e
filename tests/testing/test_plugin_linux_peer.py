"""The plugin's ``linux_peer`` fixture gives a test a real Linux host (skipped, with the
reason, where TAP bridging is unavailable); the tap tests in tests/tap use it in depth."""
import pytest

from netxsim.tap.netns import namespace_exists

pytestmark = pytest.mark.tap
seen = {}


def test_the_fixture_gives_a_linux_host_on_the_simulated_subnet(linux_peer):
    seen["namespace"] = linux_peer.namespace
    assert namespace_exists(linux_peer.namespace)
    shown = linux_peer.run(["ip", "-4", "addr", "show"], capture_output=True, text=True).stdout
    assert "1.2.3.10/24" in shown


def test_the_fixture_removed_its_namespace():
    if "namespace" not in seen:
        pytest.skip("the fixture test did not run here")
    assert not namespace_exists(seen["namespace"])

"""The UDP demo (demos/demo_netx_udp.py) runs to completion with every echo and the
fragmented ping answered."""
from demos import demo_netx_udp


def test_demo_netx_udp() -> None:
    lines = demo_netx_udp.main()
    assert lines[:5] == [f"tick {10 * i:4}: echo 'hello {i}'" for i in range(5)]
    assert lines[5] == "tick   50: ping of 4000 bytes answered, data intact: True"
    assert lines[6] == "ip 0: 8 packets sent, 3 of them fragments; 3 fragments received"
    assert demo_netx_udp.echo_socket.nx_udp_socket_id == 0   # unbound and deleted: the run completed

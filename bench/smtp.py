"""The demo mail through the whole simulated stack against real smtplib to a real aiosmtpd
on loopback, measured side by side in one run.

* simulated: the Small Example System of ``demos/demo_netx_smtp_client.py`` (client IP,
  the guide's pools, the ported NetX SMTP client, a simulated ``SmtpServer`` host on the
  RAM driver) in one kernel run whose client thread sends the demo mail N times. Each
  mail repeats the demo thread's body: ``nx_smtp_client_create``,
  ``nx_smtp_mail_send``, ``nx_smtp_client_delete`` (mail_send opens and closes its own
  TCP connection anyway, so this is one connection per mail either way; recreating the
  client also counts the create/delete cost a user of the demo pays). Two wall times:
  the send loop alone (timed inside the client thread, hosts already built: the
  like-for-like figure, as the real side's server is started outside its timing) and
  the whole ``tx_kernel_enter`` call (host creation included, a conservative figure).
  The simulated ticks per mail are reported too (the RAM driver delivers a frame in
  the tick it is sent, as the C one does, so a mail takes no simulated time).
* real: an ``aiosmtpd`` Controller on 127.0.0.1 (AUTH allowed without TLS, an
  authenticator accepting the demo's user only) and ``smtplib``: per mail one
  connection, EHLO, ``AUTH PLAIN`` (checked at the server), ``sendmail`` of the very
  message the simulated server received, QUIT. The server counts the messages it
  accepted. Controller start-up is not timed.

Best of three, interleaved so both see the same machine state. Prints mails per second
for both and the ratios of wall time per mail (simulated / real, for the send loop and
for the whole run). Target (issue): the simulated mail costs at most half the wall time
of the real loopback one (ratio <= 0.50).
Without aiosmtpd the simulated figure is printed alone, with the reason.

Needs ``aiosmtpd`` (PyPI) for the real side. Loopback only, bounded counts, each
socket with a time-out.

Run: ``python -m bench.smtp [--mails N] [--ip-pool-payload N]``.
"""
from __future__ import annotations

import argparse
import logging
import smtplib
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from bench import variants
from demos.demo_netx_smtp_client import (CLIENT_AUTHENTICATION_TYPE, FROM_ADDRESS, GUIDE_IP_POOL_PAYLOAD,
                                         LOCAL_DOMAIN, MAIL_BODY, PASSWORD, RECIPIENT_ADDRESS, SERVER_PORT,
                                         SERVER_IP_ADDRESS, SUBJECT_LINE, USERNAME, Demo)
from netxsim import NX_SUCCESS, tx_thread_sleep, tx_time_get
from smtp_client import (NX_SMTP_MAIL_PRIORITY_NORMAL, nx_smtp_client_create, nx_smtp_client_delete,
                         nx_smtp_mail_send)

LOOPBACK = "127.0.0.1"
SOCKET_TIMEOUT = 10.0   # seconds; any stuck real exchange fails instead of hanging


# ====================================================================== simulated
class RepeatedDemo(Demo):
    """The demo with a client thread that sends the demo mail ``mails`` times."""

    def __init__(self, mails: int, ip_pool_payload: int) -> None:
        super().__init__(ip_pool_payload, None)
        self.mails = mails
        self.failures: list[tuple[int, str, int]] = []   # (mail index, call, status)
        self.first_tick = 0
        self.last_tick = 0
        self.loop_seconds = 0.0   # wall time of the send loop alone (hosts already built)

    def demo_client_thread_entry(self, info: int) -> None:
        tx_thread_sleep(100)   # as the demo, once: the loop below is what is measured
        self.first_tick = tx_time_get()
        start = time.perf_counter()
        for index in range(self.mails):
            status = nx_smtp_client_create(self.demo_client, self.client_ip, self.client_packet_pool,
                                           USERNAME, PASSWORD, FROM_ADDRESS, LOCAL_DOMAIN,
                                           CLIENT_AUTHENTICATION_TYPE, SERVER_IP_ADDRESS, SERVER_PORT)
            if status != NX_SUCCESS:
                self.failures.append((index, "nx_smtp_client_create", status))
                break
            status = nx_smtp_mail_send(self.demo_client, RECIPIENT_ADDRESS, NX_SMTP_MAIL_PRIORITY_NORMAL,
                                       SUBJECT_LINE, MAIL_BODY, len(MAIL_BODY))
            if status != NX_SUCCESS:
                self.failures.append((index, "nx_smtp_mail_send", status))
            status = nx_smtp_client_delete(self.demo_client)
            if status != NX_SUCCESS:
                self.failures.append((index, "nx_smtp_client_delete", status))
                break
        self.loop_seconds = time.perf_counter() - start
        self.last_tick = tx_time_get()


@dataclass
class SimResult:
    seconds_per_mail: float       # whole tx_kernel_enter run / mails
    loop_seconds_per_mail: float  # the client thread's send loop alone / mails
    ticks_per_mail: float
    message: bytes   # the message as the simulated server delivered it (for the real side)


def bench_simulated(mails: int, ip_pool_payload: int) -> SimResult:
    demo = RepeatedDemo(mails, ip_pool_payload)
    start = time.perf_counter()
    run = demo.run()
    elapsed = time.perf_counter() - start
    assert run.reason == "completed", run.report()
    server = demo.server
    assert server is not None
    failures = ", ".join(f"mail {i}: {name} 0x{status:02X}" for i, name, status in demo.failures)
    assert not demo.failures, f"simulated mail failed ({failures}); server saw {server.problems}"
    assert len(server.mailbox) == mails, f"simulated server holds {len(server.mailbox)} of {mails} mails"
    assert all(mail.user == USERNAME for mail in server.mailbox), "simulated mail not authenticated"
    return SimResult(elapsed / mails, demo.loop_seconds / mails,
                     (demo.last_tick - demo.first_tick) / mails, server.mailbox[0].content)


# ====================================================================== real loopback
class _CountingHandler:
    """aiosmtpd handler: accepts every message and counts them (and the AUTH mechanisms)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted = 0
        self.mechanisms: list[str] = []
        self.content_mismatches = 0
        self.expected: bytes = b""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.accepted += 1
            if envelope.original_content != self.expected:
                self.content_mismatches += 1
        return "250 OK"

    def authenticator(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword
        with self.lock:
            self.mechanisms.append(mechanism)
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == USERNAME.encode() and auth_data.password == PASSWORD.encode())
        return AuthResult(success=ok)


class RealServer:
    """An aiosmtpd Controller on loopback, started once, stopped by ``close``."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller
        # aiosmtpd warns (logging) that AUTH without TLS is insecure: that is the point here.
        logging.getLogger("mail.log").setLevel(logging.ERROR)
        self.handler = _CountingHandler()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:   # a free loopback port
            probe.bind((LOOPBACK, 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self.handler, hostname=LOOPBACK, port=self.port,
                                     authenticator=self.handler.authenticator,
                                     auth_require_tls=False, ready_timeout=SOCKET_TIMEOUT)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


def bench_real(server: RealServer, mails: int, message: bytes) -> float:
    handler = server.handler
    handler.expected = message
    before_accepted, before_auth = handler.accepted, len(handler.mechanisms)
    start = time.perf_counter()
    for _ in range(mails):
        with smtplib.SMTP(LOOPBACK, server.port, local_hostname=LOCAL_DOMAIN, timeout=SOCKET_TIMEOUT) as smtp:
            smtp.ehlo()
            smtp.user, smtp.password = USERNAME, PASSWORD
            smtp.auth("PLAIN", smtp.auth_plain)   # AUTH PLAIN, as the demo's client type 3
            smtp.sendmail(FROM_ADDRESS, [RECIPIENT_ADDRESS], message)
        # leaving the with block sends QUIT and closes: one connection per mail
    elapsed = time.perf_counter() - start
    accepted = handler.accepted - before_accepted
    mechanisms = handler.mechanisms[before_auth:]
    assert accepted == mails, f"aiosmtpd accepted {accepted} of {mails} mails"
    assert mechanisms == ["PLAIN"] * mails, f"unexpected AUTH mechanisms {set(mechanisms)}"
    assert handler.content_mismatches == 0, "aiosmtpd received a different message"
    return elapsed / mails


# ====================================================================== main
def measure(argv: Any = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="simulated demo mail vs smtplib to aiosmtpd on loopback")
    parser.add_argument("--mails", type=int, default=200, help="mails per side per round (default 200)")
    parser.add_argument("--ip-pool-payload", type=int, default=GUIDE_IP_POOL_PAYLOAD,
                        help="payload of the client's IP default pool (the guide: 128)")
    args = parser.parse_args(argv)
    if not 1 <= args.mails <= 100_000:
        parser.error("--mails must be between 1 and 100000")
    n = args.mails

    real: RealServer | None = None
    why_no_real = ""
    try:
        real = RealServer()
    except ImportError as error:
        why_no_real = f"aiosmtpd is not installed ({error}); `pip install aiosmtpd` for the comparison"
    except Exception as error:   # the Controller could not start on loopback
        why_no_real = f"aiosmtpd could not start on {LOOPBACK}: {error!r}"

    best_run, best_loop, best_real = float("inf"), float("inf"), float("inf")
    ticks = 0.0
    try:
        for _ in range(3):  # best of three, interleaved so both see the same machine state
            sim = bench_simulated(n, args.ip_pool_payload)
            best_run, best_loop = min(best_run, sim.seconds_per_mail), min(best_loop, sim.loop_seconds_per_mail)
            ticks = sim.ticks_per_mail
            if real is not None:
                best_real = min(best_real, bench_real(real, n, sim.message))
    finally:
        if real is not None:
            real.close()
    return {"n": n, "payload": args.ip_pool_payload, "run": best_run, "loop": best_loop, "ticks": ticks,
            "real": None if real is None else best_real, "why_no_real": why_no_real,
            "label": variants.label()}


def _print(figures: dict[str, Any]) -> None:
    n, best_loop, best_run, best_real = figures["n"], figures["loop"], figures["run"], figures["real"]
    print(f"[{figures['label']}] {n} mails per side, one connection each, best of three; demo mail "
          f"({len(MAIL_BODY)}-byte body), client IP pool payload {figures['payload']}")
    print(f"simulated, send loop (NetX SMTP client -> SmtpServer, RAM driver): {best_loop * 1e3:7.3f} ms/mail"
          f"  ({1 / best_loop:7,.0f} mails/s)  {figures['ticks']:.2f} simulated ticks/mail")
    print(f"simulated, whole run (hosts built, kernel entered and left):        {best_run * 1e3:7.3f} ms/mail"
          f"  ({1 / best_run:7,.0f} mails/s)")
    if best_real is None:
        print(f"real loopback: not measured: {figures['why_no_real']}")
        print("ratio: not available (no real server to compare with)")
        return
    print(f"real, send loop      (smtplib -> aiosmtpd on {LOOPBACK}, AUTH PLAIN): {best_real * 1e3:7.3f} ms/mail"
          f"  ({1 / best_real:7,.0f} mails/s)")
    ratio = best_loop / best_real
    print(f"ratio simulated/real wall time per mail: {ratio:.2f}x send loop, "
          f"{best_run / best_real:.2f}x whole run   (target: <= 0.50x: {'met' if ratio <= 0.5 else 'not met'})")


def main(argv: Any = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    if variants.compiled_present():
        _print(variants.pure_figures("bench.smtp", argv))
    _print(measure(argv))


if __name__ == "__main__":
    main()

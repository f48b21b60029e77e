"""SMTP programs to run inside a Linux peer's namespace (``python -m netxsim.tap.smtp_tools``).

``server``: a real ``aiosmtpd`` server on ``--address``:``--port``. ``--auth plain``
or ``login`` advertises that mechanism (checked against ``--user name:password``),
``--auth none`` advertises none. ``--login-prompts aiosmtpd`` keeps aiosmtpd's own
AUTH LOGIN challenges ("User Name\\0", "Password\\0"); ``netx`` sends the
"Username:" / "Password:" the NetX SMTP client expects. It prints ``READY``, then
one line per chunk of the conversation as it happens — ``C: <repr of bytes>`` for
what the client sent and ``S: <repr>`` for the server's reply — and ``MESSAGE
<json>`` for each message accepted. Ends on SIGTERM or SIGINT.

``send``: Python's ``smtplib`` sends one message (``--server``, ``--port``, optional
``--user``), retrying the connection while it is refused; prints ``SENT`` or
``FAILED <reason>``.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import signal
import smtplib
import sys
import time
from typing import Any


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run_server(args: argparse.Namespace) -> int:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

    users = dict(user.split(":", 1) for user in args.user)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            content = envelope.original_content or envelope.content
            _out("MESSAGE " + json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                                          "user": getattr(session, "login_data", None) and
                                          session.login_data.decode(errors="replace"),
                                          "data": base64.b64encode(content).decode()}))
            return "250 Message accepted for delivery"

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            name, password = auth_data.login.decode(), auth_data.password.decode()
            if users.get(name) == password:
                return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    class TranscriptSMTP(SMTP):
        """aiosmtpd's server, printing every chunk each way as it crosses the socket."""
        if args.login_prompts == "netx":
            AuthLoginUsernameChallenge = "Username:"
            AuthLoginPasswordChallenge = "Password:"

        def connection_made(self, transport: Any) -> None:
            write = transport.write

            def logged_write(data: bytes) -> None:
                _out("S: " + repr(bytes(data)))
                write(data)
            transport.write = logged_write
            super().connection_made(transport)

        def data_received(self, data: bytes) -> None:
            _out("C: " + repr(bytes(data)))
            super().data_received(data)

    excluded = {"plain": ["LOGIN"], "login": ["PLAIN"], "none": ["LOGIN", "PLAIN"]}[args.auth]

    def factory() -> SMTP:
        return TranscriptSMTP(Handler(), hostname=args.hostname, auth_require_tls=False,
                              authenticator=authenticator, auth_exclude_mechanism=excluded)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(factory, args.address, args.port))
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    _out("READY")
    loop.run_until_complete(stop.wait())
    server.close()
    loop.run_until_complete(server.wait_closed())
    loop.close()
    return 0


def run_send(args: argparse.Namespace) -> int:
    deadline = time.monotonic() + args.connect_timeout
    while True:
        try:
            client = smtplib.SMTP(args.server, args.port, local_hostname=args.helo, timeout=30)
            break
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                _out("FAILED connection refused")
                return 1
            time.sleep(0.1)
        except OSError as exc:
            if time.monotonic() > deadline:
                _out(f"FAILED {exc}")
                return 1
            time.sleep(0.1)
    try:
        client.set_debuglevel(0)
        client.ehlo()
        if args.user:
            name, password = args.user.split(":", 1)
            client.login(name, password)
        refused = client.sendmail(args.sender, [args.recipient], args.body.encode().replace(b"\\r\\n", b"\r\n"))
        client.quit()
    except smtplib.SMTPException as exc:
        _out(f"FAILED {exc!r}")
        return 1
    _out("SENT" if not refused else f"FAILED refused {refused}")
    return 0


class AiosmtpdPeer:
    """``server`` started in a Linux peer; a reader thread collects its transcript and messages."""

    def __init__(self, peer: Any, *, port: int = 25, auth: str = "plain", login_prompts: str = "aiosmtpd",
                 users: dict[str, str] | None = None, ready_timeout: float = 20.0) -> None:
        import subprocess
        import threading
        argv = [sys.executable, "-m", "netxsim.tap.smtp_tools", "server", "--address", peer.address,
                "--port", str(port), "--auth", auth, "--login-prompts", login_prompts]
        for name, password in (users or {}).items():
            argv += ["--user", f"{name}:{password}"]
        self.lines: list[str] = []
        self.messages: list[dict[str, Any]] = []
        self._ready = threading.Event()
        self.process = peer.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self._reader = threading.Thread(target=self._read, name="aiosmtpd transcript", daemon=True)
        self._reader.start()
        if not self._ready.wait(ready_timeout):
            raise RuntimeError(f"aiosmtpd did not start in the peer (exit status {self.process.poll()})")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            line = line.rstrip("\n")
            if line == "READY":
                self._ready.set()
            elif line.startswith("MESSAGE "):
                message = json.loads(line[8:])
                message["data"] = base64.b64decode(message["data"])
                self.messages.append(message)
            else:
                self.lines.append(line)
        self._ready.set()

    def transcript(self) -> list[tuple[str, bytes]]:
        """``("C" or "S", bytes)`` per chunk, in order."""
        import ast
        return [(line[0], ast.literal_eval(line[3:])) for line in self.lines if line[:3] in ("C: ", "S: ")]

    def stop(self) -> None:
        """End the server and wait for the rest of its output."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        finally:
            self._reader.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netxsim.tap.smtp_tools", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser("server", help="run aiosmtpd, printing its transcript")
    server.add_argument("--address", required=True)
    server.add_argument("--port", type=int, default=25)
    server.add_argument("--auth", choices=("plain", "login", "none"), default="plain")
    server.add_argument("--login-prompts", choices=("aiosmtpd", "netx"), default="aiosmtpd")
    server.add_argument("--user", action="append", default=[], help="name:password (repeatable)")
    server.add_argument("--hostname", default="linux-peer")
    send = commands.add_parser("send", help="send one message with smtplib")
    send.add_argument("--server", required=True)
    send.add_argument("--port", type=int, default=25)
    send.add_argument("--user", help="name:password for AUTH")
    send.add_argument("--sender", default="linux@peer.example")
    send.add_argument("--recipient", default="netx@sim.example")
    send.add_argument("--body", default="Subject: from Linux\r\n\r\nHello from smtplib.\r\n")
    send.add_argument("--helo", default="linux-peer")
    send.add_argument("--connect-timeout", type=float, default=10.0)
    args = parser.parse_args(argv)
    return run_server(args) if args.command == "server" else run_send(args)


if __name__ == "__main__":
    sys.exit(main())

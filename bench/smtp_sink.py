"""A mail server for the delivery measurement, run inside the benchmark's process: it speaks
enough SMTP for Django's SMTP backend, accepts every message and keeps only its Message-ID.

The worker under measurement therefore sends its e-mails over real SMTP connections, paying for
the protocol as it would with a real mail server on the same network, and the count of each
Message-ID received says whether any e-mail went out twice."""

import socketserver
import threading
from collections import Counter
from types import TracebackType


class _Session(socketserver.StreamRequestHandler):
    server: "_Server"

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.server.sink.connection_opened()
        self._reply("220 bench-sink ESMTP")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-bench-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb == b"DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.sink.received(self._message_id())
                self._reply("250 OK")
            elif verb == b"QUIT":
                self._reply("221 Bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self._reply("250 OK")

    def _message_id(self) -> str:
        message_id = ""
        in_headers = True
        for line in iter(self.rfile.readline, b""):
            if line == b".\r\n":
                break
            if in_headers and line in (b"\r\n", b"\n"):
                in_headers = False
            elif in_headers and line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode()
        return message_id


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, sink: "SmtpSink") -> None:
        self.sink = sink
        super().__init__(("127.0.0.1", 0), _Session)


class SmtpSink:
    """``with SmtpSink() as sink:`` serves on ``sink.port`` until the block ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.message_ids: Counter[str] = Counter()
        self.connections = 0
        self._server = _Server(self)
        self.port: int = self._server.server_address[1]

    def connection_opened(self) -> None:
        with self._lock:
            self.connections += 1

    def received(self, message_id: str) -> None:
        with self._lock:
            self.message_ids[message_id] += 1

    def __enter__(self) -> "SmtpSink":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

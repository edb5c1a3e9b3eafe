"""A TCP proxy on 127.0.0.1 that a test can cut and restore, to take a database away
from a running server without touching the database server itself."""

import contextlib
import socket
import threading


def close(sock: socket.socket) -> None:
    # shutdown() wakes a thread blocked in recv() on it; close() alone would not.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class CuttableProxy:
    """Forwards connections to `port` (chosen at the first start) to `upstream`."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self.answering = True
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Listen and forward (again, on the same port, after a cut or a stall)."""
        self._listen(answering=True)

    def cut(self) -> None:
        """Close every connection, and refuse new ones until start()."""
        if self._listener is not None:
            self._listener.close()  # the accept loop notices within its 0.1 s timeout
            self._listener = None
        self._drop_connections()

    def stall(self) -> None:
        """Close every connection; accept new ones but never answer, as a hung server
        or a host that drops packets would, until start()."""
        self._listen(answering=False)

    def _listen(self, answering: bool) -> None:
        self.answering = answering
        self._drop_connections()
        if self._listener is not None:
            return
        listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR on POSIX
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _drop_connections(self) -> None:
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while listener.fileno() != -1:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed by cut()
            if not self.answering:
                self._hold(listener, client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                close(client)
                continue
            if self._hold(listener, client, server):
                for source, target in ((client, server), (server, client)):
                    threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _hold(self, listener: socket.socket, *sockets: socket.socket) -> bool:
        """Keep `sockets` open until the next cut, stall or start; False if one came first."""
        with self._lock:
            if self._listener is listener:
                self._open.update(sockets)
                return True
        for sock in sockets:
            close(sock)
        return False

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        source.settimeout(None)
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            close(source)
            close(target)

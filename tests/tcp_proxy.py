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
        self.connections = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Listen (again, on the same port after a cut)."""
        listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR on POSIX
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Close every connection, and refuse new ones until start()."""
        if self._listener is not None:
            self._listener.close()  # the accept loop notices within its 0.1 s timeout
            self._listener = None
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
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                close(client)
                continue
            self._join(listener, client, server)

    def _join(self, listener: socket.socket, client: socket.socket, server: socket.socket) -> None:
        client.settimeout(None)
        server.settimeout(None)
        with self._lock:
            if self._listener is not listener:  # cut while this one was connecting
                close(client)
                close(server)
                return
            self._open |= {client, server}
            self.connections += 1
        for source, target in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            close(source)
            close(target)

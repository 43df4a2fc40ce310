"""A throwaway HTTP server on 127.0.0.1 for the benchmark client's tests."""

import threading
from http.server import ThreadingHTTPServer

import pytest


@pytest.fixture
def local_http():
    """serve(handler_class) starts a server on a free port of 127.0.0.1 and returns the
    port; every server is stopped after the test."""
    servers = []

    def serve(handler) -> int:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()

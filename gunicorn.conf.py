"""Gunicorn settings. Gunicorn reads ./gunicorn.conf.py by default, and the Dockerfile,
docker-compose.yml and the benchmark (bench/server.py) all start it in this folder."""

import contextlib
import ctypes
import ctypes.util

# glibc's mallopt parameter number for the size above which a buffer gets its own mapping.
M_MMAP_THRESHOLD = -3
LARGE_BUFFER_BYTES = 128 * 1024


def post_fork(server, worker):
    """Large buffers (a long page's HTML, a CSV download, a query's result rows) get a
    mapping of their own, given back to the system when freed. By default glibc raises
    that threshold to the size of the first such buffer freed, so later ones come from
    the heap, whose top cannot shrink past anything still in use, and a worker that once
    sent a very large page keeps that memory for good."""
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        # Not glibc (musl has no mallopt): nothing to tune.
        with contextlib.suppress(AttributeError):
            ctypes.CDLL(libc_name).mallopt(M_MMAP_THRESHOLD, LARGE_BUFFER_BYTES)


# A backstop, not the fix: a worker is replaced after this many requests (staggered, so
# not all at once), which bounds whatever a leak in a dependency could build up.
max_requests = 5000
max_requests_jitter = 500

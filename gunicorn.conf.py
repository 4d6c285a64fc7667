"""gunicorn settings for `make serve` (production). Read from the environment; see docs/DEPLOY.md.

    WEB_CONCURRENCY  worker processes (default: 2 per core, at least 2)
    WEB_THREADS      threads per worker (default 4; see docs/DEPLOY.md, "Workers and threads")
    PORT             listen port (default 8000), on every interface (BIND_HOST to narrow it)
"""
import ctypes
import ctypes.util
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, got {value}")
    return value


wsgi_app = "wsgi:app"
bind = [f"{os.environ.get('BIND_HOST', '0.0.0.0')}:{_int('PORT', 8000)}"]
workers = _int("WEB_CONCURRENCY", max(2, 2 * (os.cpu_count() or 1)))
# A request here is mostly Python work (ORM, templates) holding the GIL, not waiting: in a
# profile (bench/request_profile.py) the SQLite calls are a few percent of a page. More threads than that only queue on the GIL
# (and on SQLite's single writer, see webapp/sqlite_writers.py), and each thread gets its own
# malloc arena. 4 keeps a slow client from holding the worker (docs/PERFORMANCE.md has the runs).
threads = _int("WEB_THREADS", 4)
worker_class = "gthread"


def _limit_malloc_arenas(count: int = 2) -> None:
    """glibc gives each thread its own malloc arena (up to 8 per core), and a long-running worker
    holds on to each one's free memory: RSS grows with the thread count. Two arenas are enough
    here (the GIL lets one thread allocate at a time). Set in the master before it forks, so every
    worker inherits it; the same as MALLOC_ARENA_MAX=2 in the environment, which still wins."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return
    try:
        mallopt = ctypes.CDLL(libc_name).mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to tune
        return
    M_ARENA_MAX = -8
    mallopt(M_ARENA_MAX, count)


_limit_malloc_arenas()
# Slow clients on a mobile link should not hold a thread for long; a hung request is killed.
timeout = 60
graceful_timeout = 30
keepalive = 5
# No access log: gunicorn's would carry query strings. The app writes one JSON line per request.
accesslog = None
errorlog = "-"
loglevel = "info"
# Restart a worker now and then so a slow leak cannot grow without bound.
max_requests = _int("WEB_MAX_REQUESTS", 20000)
max_requests_jitter = max_requests // 10
# The load balancer's X-Forwarded-* are trusted from these addresses only (gunicorn's own setting).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's runtime control socket is one path per user: two servers on a machine would share it.
control_socket_disable = True

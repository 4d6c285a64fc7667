"""gunicorn settings for `make serve` (production). Read from the environment; see docs/DEPLOY.md.

    WEB_CONCURRENCY  worker processes (default: 2 per core, at least 2)
    WEB_THREADS      threads per worker (default 8): requests mostly wait on the database
    PORT             listen port (default 8000), on every interface (BIND_HOST to narrow it)
"""
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
threads = _int("WEB_THREADS", 8)
worker_class = "gthread"
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

"""Production logging: every log record as one JSON line, and one line per request.

A request line holds the request id, method, endpoint name, status, duration and worker pid, and
nothing from the request itself (no path, query string, form value or header): those may hold
PHI. The request id comes from the load balancer's X-Request-ID when it looks like one, otherwise
it is made here; it is sent back in X-Request-ID and is on every log line of that request, so an
error ID shown to a user can be found with the request that caused it.
"""
from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

request_log = logging.getLogger("webapp.request")
REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", "request_id", ...fields}: one line per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context() and "request_id" in g:
            entry["request_id"] = g.request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def use_json_logs() -> None:
    """Replace the root handlers with one JSON line per record on stderr (gunicorn collects it)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def request_id_from(header_value: str | None) -> str:
    if header_value and _SAFE_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def register_request_log(app: Flask) -> None:
    @app.before_request
    def start_request_timer():
        g.request_started = time.perf_counter()
        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        if started is None:  # a request that failed before the hooks ran
            return response
        response.headers[REQUEST_ID_HEADER] = g.request_id
        request_log.info("request", extra={"fields": {
            "request_id": g.request_id,
            "method": request.method,
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "pid": os.getpid(),
        }})
        return response

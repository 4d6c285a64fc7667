"""Response hardening and static-file caching."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])
ONE_YEAR = 365 * 24 * 3600


def set_security_headers(response):
    if response.status_code == 304:
        return response  # no body to protect; a poll's "nothing new" stays a few bytes
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if response.mimetype == "text/html":
        # Pages may hold PHI: never keep them in shared or browser caches.
        headers.setdefault("Cache-Control", "no-store")
        response.vary.add("HX-Request")
    return response


def register_static_fingerprints(app: Flask) -> None:
    """url_for('static', ...) gets ?v=<content hash>; such URLs are cached for a year, immutable."""
    static_root = Path(app.static_folder)

    @lru_cache(maxsize=256)
    def fingerprint(filename: str) -> str | None:
        path = (static_root / filename).resolve()
        if static_root.resolve() not in path.parents or not path.is_file():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]

    if app.debug:  # files change while developing; hash on every call
        fingerprint = fingerprint.__wrapped__

    @app.url_defaults
    def add_fingerprint(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = fingerprint(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_fingerprinted_static(response):
        if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response

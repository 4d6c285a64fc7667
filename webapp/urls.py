"""`url_for` for templates, remembered per process.

A page builds 30-100 links, ~4 us each in Werkzeug's URL map (9-12% of a list page's time). The
same endpoint and values always give the same path while the app runs: the URL map and the
static fingerprints (webapp/security.py) are fixed after start-up, so a built path is kept and
reused. Anything else goes to Flask's own `url_for`: external URLs, anchors, methods or schemes,
blueprint-relative endpoints, links built outside a request, values other than plain strings and numbers, and debug mode (where
static files change while the app runs).
"""
from __future__ import annotations

from flask import Flask, has_request_context, request

MAX_REMEMBERED = 4096  # distinct (endpoint, values) pairs (~1 MB); then forgotten all at once
_PLAIN = (str, int, float, type(None))


def remembered_url_for(app: Flask):
    built: dict[tuple, str] = {}

    def url_for(endpoint: str, **values) -> str:
        if app.debug or endpoint.startswith(".") or not has_request_context() or any(
                name.startswith("_") or type(value) not in _PLAIN for name, value in values.items()):
            return app.url_for(endpoint, **values)
        key = (request.script_root, endpoint, *sorted(values.items()))
        url = built.get(key)
        if url is None:
            url = app.url_for(endpoint, **values)
            if len(built) >= MAX_REMEMBERED:
                built.clear()
            built[key] = url
        return url

    return url_for

"""Response hardening and static-file caching."""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, g, request
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS, _Auto
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.routing import IntegerConverter
from wtforms import FileField, MultipleFileField

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
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def safe_next_path(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (the caller goes home).

    Checked as the browser will read the Location header: no control characters (Werkzeug drops
    a tab or newline only after a naive check, turning "/\t/evil" into "//evil"), no backslash
    (browsers read it as "/"), no scheme or host, no leading "//"; the same again after one more
    percent-decoding, so an encoded form cannot slip through either."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    for form in (target, unquote(target)):
        if _CONTROL_CHARACTERS.search(form) or "\\" in form:
            return None
        if not form.startswith("/") or form.startswith("//"):
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return None
    return target


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
    if current_app.config.get("IS_PRODUCTION"):
        # Production is served over HTTPS only (docs/DEPLOY.md): browsers never try plain HTTP again.
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
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


# --- input guards: no crash from the shape of a request --------------------------------------------

MAX_ID = 2 ** 63 - 1  # the largest id a BIGINT (PostgreSQL) or INTEGER (SQLite) column can hold


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` that matches only what the database can hold: a larger number is a 404 like any
    other missing record, never an overflow inside SQL."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


# Characters nobody types and nobody can see: C0/C1 controls except tab and line breaks, and the
# invisible formatting marks (zero-width spaces and joiners, bidi overrides, BOM). They would make a
# "filled" field that reads empty, or text that displays differently from what is stored.
_INVISIBLE = {c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0),
                                0x00AD, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
                                *range(0x2060, 0x2065), 0xFEFF]}
_SURROGATES = re.compile("[\ud800-\udfff]")


def visible_text(value: str) -> str:
    """The text as a person sees it: control, invisible formatting and lone surrogate characters removed."""
    return _SURROGATES.sub("", value.translate(_INVISIBLE))


def _file_field_names(form) -> set[str]:
    return {field.name for field in form if isinstance(field, (FileField, MultipleFileField))}


def guarded_wrap_formdata(meta, form, formdata):
    """Flask-WTF's formdata, with each part reaching only the kind of field it fits: a file part sent
    for a text field (or text for a file field) is left out, so the field reads as empty and says
    so, instead of a FileStorage flowing into string code. JSON bodies count only as a flat object of
    strings. After a same-origin CSRF failure (GET re-render) the kept input fills the form."""
    if formdata is not _Auto:
        return formdata
    if request.method not in SUBMIT_METHODS:
        return g.get("csrf_kept_form")
    file_names = _file_field_names(form)
    text = MultiDict((k, visible_text(v)) for k, v in request.form.items(multi=True) if k not in file_names)
    if not request.form and request.is_json:
        data = request.get_json(silent=True)
        if isinstance(data, dict):
            text = MultiDict((k, visible_text(v)) for k, v in data.items()
                             if isinstance(v, str) and k not in file_names)
    files = MultiDict((k, v) for k, v in request.files.items(multi=True) if k in file_names)
    if files:
        return CombinedMultiDict((files, text))
    return text or None


def install_form_guards() -> None:
    """Every FlaskForm of every feature gets guarded_wrap_formdata (no per-form change needed)."""
    FlaskForm.Meta.wrap_formdata = guarded_wrap_formdata


def same_origin_request() -> bool:
    """The request's Origin (or, without it, Referer) is exactly this site's origin."""
    own = request.host_url.rstrip("/")
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == own
    referer = request.headers.get("Referer") or ""
    return referer == own or referer.startswith(own + "/")

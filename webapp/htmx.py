"""One place decides whether a response is an HTMX fragment or a whole page."""
from __future__ import annotations

from flask import make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """True for an HTMX swap; a boosted navigation or a history restore needs the whole page."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render_page(template: str, block: str | None = None, *, status: int = 200, **context):
    """Render `template`, or only its `block` when HTMX asked for a fragment."""
    if block and wants_fragment():
        html = render_block(template, block, **context)
    else:
        html = render_template(template, **context)
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


def redirect_to(location: str, status: int = 303):
    """Redirect that HTMX follows as a full navigation (HX-Redirect) and a browser as a 303."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, status)


def passive(view):
    """Mark a view that the page calls by itself (polling): it does not count as activity for the
    idle sign-out and does not refresh the session cookie."""
    view.passive_request = True
    return view


def is_passive_request(app) -> bool:
    view = app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "passive_request", False))

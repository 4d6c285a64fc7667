"""ProviderDesk application factory."""
from __future__ import annotations

import logging
import time
import uuid

from flask import Flask, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException

from config import load_settings
from webapp.extensions import compress, csrf, db, login_manager, mail, migrate

log = logging.getLogger("webapp")

ERROR_TITLES = {
    400: "Something in the request was not right",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The upload is too large",
    422: "The form could not be processed",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides the settings read from the environment."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(load_settings())
    if config:
        app.config.update(config)

    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    return app


def register_logging(app: Flask) -> None:
    if not app.logger.handlers or app.config.get("TESTING"):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: WAL so readers never block the writer, a busy timeout instead of 'locked' errors."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def register_extensions(app: Flask) -> None:
    from webapp import models  # noqa: F401  (models must be imported for migrations)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_project_path("migrations")))
    csrf.init_app(app)
    mail.init_app(app)
    compress.init_app(app)

    from webapp import search

    search.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token: str):
        from webapp.blueprints.auth.services import load_user_by_session_token

        return load_user_by_session_token(session_token)


def _project_path(name: str):
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / name


def register_blueprints(app: Flask) -> None:
    from webapp.blueprints import (
        attachments, auth, cases, claims, demo, helpdesk, kb, main, messages, profile, registration, search,
    )

    for blueprint in (auth.bp, main.bp, registration.bp, profile.bp, attachments.bp, cases.bp,
                      claims.bp, messages.bp, search.bp, demo.bp, helpdesk.bp, kb.bp):
        app.register_blueprint(blueprint)


def register_request_hooks(app: Flask) -> None:
    from webapp.blueprints.auth.services import idle_expired
    from webapp.htmx import is_passive_request, redirect_to
    from webapp.security import register_static_fingerprints, set_security_headers

    register_static_fingerprints(app)
    app.after_request(set_security_headers)

    @app.before_request
    def sign_out_when_idle():
        """Automatic logoff after SESSION_IDLE_MINUTES without a request (HIPAA 164.312(a)(2)(iii))."""
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = time.time()
        if idle_expired(session.get("last_seen"), now, app.config["SESSION_IDLE_MINUTES"]):
            logout_user()
            session.clear()
            session["idle_signed_out"] = True
            return redirect_to(url_for("auth.sign_in"))
        # Refresh at most once a minute: fewer Set-Cookie headers on the wire. Polling is not
        # activity (webapp/htmx.py passive): an open page must not keep a session alive.
        if now - session.get("last_seen", 0) > 60 and not is_passive_request(app):
            session["last_seen"] = now
        return None

    @app.before_request
    def start_background_workers():
        if app.config.get("BACKGROUND_WORKERS") and not app.extensions.get("mail_retry_worker"):
            from webapp.mailer import start_retry_worker

            start_retry_worker(app)


def register_errorhandlers(app: Flask) -> None:
    from webapp.htmx import render_page

    def render_error(status: int, **context):
        return render_page("errors/error.html", status=status, code=status,
                           title=ERROR_TITLES.get(status, "Error"), **context)

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        # Keep what was typed: offer to send the same fields again with a fresh token.
        kept = [(name, value) for name, value in request.form.items(multi=True)
                if name != "csrf_token" and "password" not in name.lower()]
        return render_page("errors/csrf.html", status=400, kept_fields=kept,
                           had_files=bool(request.files), retry_url=request.full_path.rstrip("?"))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code, description=error.description if error.code == 400 else None)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        error_id = uuid.uuid4().hex[:12]
        # The traceback goes to the log with the ID the user sees; no request data (may hold PHI).
        log.exception("unhandled error %s on %s %s", error_id, request.method, request.endpoint)
        db.session.rollback()
        return render_error(500, error_id=error_id)


def register_template_helpers(app: Flask) -> None:
    from flask_wtf.csrf import generate_csrf

    from webapp.blueprints.attachments.services import human_size

    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.jinja_env.filters["filesize"] = human_size
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

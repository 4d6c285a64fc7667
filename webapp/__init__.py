"""ProviderDesk application factory."""
from __future__ import annotations

import logging
import uuid
from pathlib import Path

from flask import Flask, flash, g, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy import Integer, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from config import load_settings
from webapp import models  # noqa: F401  (every model imported: migrations and relationships see them)
from webapp import search as search_index
from webapp.background import register_background
from webapp.blueprints import (
    attachments, auth, cases, claims, dashboard, demo, health, helpdesk, kb, main, messages, office,
    practice, profile, referrals, registration, reports, search, submission, support, terms, training,
)
from webapp.blueprints.account import sessions
from webapp.blueprints.attachments.services import human_size
from webapp.extensions import compress, csrf, db, login_manager, mail, migrate
from webapp.htmx import is_passive_request, redirect_to, render_page
from webapp.requestlog import register_request_log, use_json_logs
from webapp.security import (BoundedIntegerConverter, install_form_guards, register_static_fingerprints,
                             same_origin_request, set_security_headers)
from webapp.sqlite_writers import queue_writers
from webapp.urls import remembered_url_for

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
    app.url_map.converters["int"] = BoundedIntegerConverter  # before any route is added
    install_form_guards()
    if app.config.get("TRUSTED_PROXY_COUNT", 0) > 0:
        # Behind N reverse proxies: the client address (per-address limits, audit) and scheme come
        # from their X-Forwarded-* headers. With 0, those headers are ignored (they can be forged).
        hops = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    return app


def register_logging(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") == "json" and not app.config.get("TESTING"):
        use_json_logs()
    elif not app.logger.handlers or app.config.get("TESTING"):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: WAL so readers never block the writer, a busy timeout instead of 'locked' errors.
    PostgreSQL: the session works in UTC, like the naive UTC datetimes the app stores."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # 15 s: under a burst of writes on an overloaded machine 5 s ran out ("database is
        # locked" at 32 clients in bench/load_bench.py); gunicorn's request timeout is 60 s.
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
    elif type(dbapi_connection).__module__.startswith("psycopg"):
        dbapi_connection.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()


def _bind_integers_without_casts(engine) -> None:
    """PostgreSQL: send integers without an ::INTEGER cast. With the cast, an id beyond 32 bits
    from a URL or form fails with "integer out of range" (a 500); without it PostgreSQL compares
    it as bigint/numeric and finds nothing, as SQLite does. Too large values still fail on write."""
    if engine.dialect.name == "postgresql":
        engine.dialect.colspecs = {**engine.dialect.colspecs, Integer: Integer}


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        _bind_integers_without_casts(db.engine)
        queue_writers(db.engine)
    migrate.init_app(app, db, directory=str(_project_path("migrations")))
    csrf.init_app(app)
    mail.init_app(app)
    compress.init_app(app)

    search_index.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_secret: str):
        """Flask-Login's "user id" is the secret of a server-side session row (account/sessions)."""
        loaded = sessions.load(session_secret, idle_minutes=app.config["SESSION_IDLE_MINUTES"],
                               max_hours=app.config["SESSION_MAX_HOURS"],
                               touch=not is_passive_request(app))
        if loaded.expired:
            g.session_expired = True
        if db.session.dirty or db.session.deleted:  # last_seen_at touched, or an expired row removed
            db.session.commit()
        return loaded.user


def _project_path(name: str):
    return Path(__file__).resolve().parent.parent / name


def register_blueprints(app: Flask) -> None:
    for blueprint in (auth.bp, main.bp, registration.bp, profile.bp, attachments.bp, cases.bp,
                      claims.bp, messages.bp, search.bp, demo.bp, health.bp, referrals.bp, support.bp,
                      practice.bp, training.bp, office.bp, terms.bp,
                      submission.bp, reports.bp, dashboard.bp,
                      helpdesk.bp, kb.bp):
        app.register_blueprint(blueprint)


def register_request_hooks(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") == "json":
        register_request_log(app)  # first: its timer starts before, and its line is written after, every other hook
    register_static_fingerprints(app)
    app.after_request(set_security_headers)

    @app.before_request
    def sign_out_when_idle():
        """Automatic logoff after SESSION_IDLE_MINUTES without a request (HIPAA 164.312(a)(2)(iii))
        or SESSION_MAX_HOURS after sign-in; both are decided on the server (account/sessions)."""
        if request.endpoint == "static" or current_user.is_authenticated:
            return None
        if "_user_id" in session:  # a session cookie whose server-side row is gone or expired
            expired = g.get("session_expired", False)
            logout_user()
            session.clear()
            if expired:
                session["idle_signed_out"] = True
                return redirect_to(url_for("auth.sign_in"))
        return None

    register_background(app)


def register_errorhandlers(app: Flask) -> None:
    def render_error(status: int, **context):
        return render_page("errors/error.html", status=status, code=status,
                           title=ERROR_TITLES.get(status, "Error"), **context)

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        """A form sent without a valid token. From this site's own pages (Origin, or else Referer,
        is exactly our origin) the form is shown again with what was typed, to check and send;
        nothing is sent on the person's behalf. From anywhere else: the plain page, nothing kept."""
        rule = request.url_rule
        if same_origin_request() and rule is not None and "GET" in (rule.methods or ()):
            kept = MultiDict((name, value) for name, value in request.form.items(multi=True)
                             if name != "csrf_token" and "password" not in name.lower())
            had_files = bool(request.files)
            g.csrf_kept_form = kept
            request.method = "GET"  # re-render the page as shown before sending: nothing is acted on
            flash("Your form expired before it was sent, so nothing was saved. We kept what you typed"
                  + (" (choose the files again)" if had_files else "") + ": check it and send it again.",
                  "warning")
            try:
                response = app.preprocess_request()
                response = app.make_response(response if response is not None else app.dispatch_request())
            except Exception:  # noqa: BLE001 - any trouble: the plain page below
                db.session.rollback()
                response = None
            if response is not None and response.status_code == 200:
                response.status_code = 400
                return response
            session.pop("_flashes", None)
        return render_page("errors/csrf.html", status=400)

    @app.errorhandler(OverflowError)
    def number_out_of_range(error):
        # A number too large for the database (an id of 20 digits in a form or query string).
        db.session.rollback()
        return render_error(404)

    @app.errorhandler(DataError)
    def value_out_of_range(error):
        db.session.rollback()
        return render_error(400, description="A value in the request is too long or out of range.")

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


def _forms_macro(app: Flask, name: str):
    def call(*args, **kwargs):
        return getattr(app.jinja_env.get_template("_forms.html").module, name)(*args, **kwargs)
    return call


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.jinja_env.globals["url_for"] = remembered_url_for(app)
    # The form macros are globals, so a block rendered alone (an htmx fragment) has them too.
    for macro in ("error_summary", "field"):
        app.jinja_env.globals[macro] = _forms_macro(app, macro)
    app.jinja_env.filters["filesize"] = human_size
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

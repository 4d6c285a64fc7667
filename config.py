"""Settings, read from the environment with safe local defaults.

Every setting is documented in README.md ("Settings"). `Config.from_env()` is what wsgi.py uses;
tests build their own with overrides.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_INSTANCE_DIR = BASE_DIR / "instance"


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the app refuses to start."""


def _env_int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_bool(env: dict, name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret_key(instance_dir: Path) -> str:
    """Generate once and keep under instance/, so sessions survive restarts of a local run."""
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_settings(env: dict | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    environment = env.get("PROVIDERDESK_ENV", "development").strip().lower()
    is_production = environment == "production"
    instance_dir = Path(env.get("INSTANCE_DIR") or DEFAULT_INSTANCE_DIR)

    secret_key = env.get("SECRET_KEY", "")
    if not secret_key:
        if is_production:
            raise ConfigError("SECRET_KEY must be set when PROVIDERDESK_ENV=production")
        secret_key = _development_secret_key(instance_dir)

    mail_server = env.get("MAIL_SERVER", "")
    upload_mb = _env_int(env, "UPLOAD_MAX_MB", 25)
    files_per_upload = _env_int(env, "UPLOAD_MAX_FILES", 5)

    return {
        "ENV_NAME": environment,
        "IS_PRODUCTION": is_production,
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL")
        or f"sqlite:///{instance_dir / 'providerdesk.sqlite3'}",
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": _env_int(env, "MAIL_PORT", 25),
        "MAIL_USE_TLS": _env_bool(env, "MAIL_USE_TLS", False),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "ProviderDesk <no-reply@providerdesk.example>"),
        # Without a mail server, mail is written as .eml files so a local run needs none.
        "MAIL_FILE_DIR": env.get("MAIL_FILE_DIR") or str(instance_dir / "mail"),
        "INDEX_DIR": env.get("INDEX_DIR") or str(instance_dir / "index"),
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(instance_dir / "uploads"),
        # Search: index changes right after each commit; retry a busy/broken index this often;
        # processes used by `search reindex`; check/repair the index when a server starts.
        "SEARCH_LIVE_UPDATES": _env_bool(env, "SEARCH_LIVE_UPDATES", True),
        "SEARCH_RETRY_SECONDS": _env_int(env, "SEARCH_RETRY_SECONDS", 5),
        "SEARCH_INDEX_PROCS": _env_int(env, "SEARCH_INDEX_PROCS", 2),
        "SEARCH_STARTUP_REPAIR": _env_bool(env, "SEARCH_STARTUP_REPAIR", True),
        "UPLOAD_MAX_MB": upload_mb,
        "UPLOAD_MAX_FILES": files_per_upload,
        # Whole request: every file at its limit plus room for the form fields.
        "MAX_CONTENT_LENGTH": (upload_mb * files_per_upload + 1) * 1024 * 1024,
        "SESSION_IDLE_MINUTES": _env_int(env, "SESSION_IDLE_MINUTES", 15),
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SESSION_COOKIE_NAME": "pd_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": is_production or _env_bool(env, "SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_DURATION": 0,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session; idle logoff bounds it
        "SEND_FILE_MAX_AGE_DEFAULT": 0,  # fingerprinted static URLs get their own long cache
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],  # static files are streamed
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_REGISTER": True,
        "DEMO_PASSWORD": env.get("DEMO_PASSWORD", "Demo!Pass2026"),
        "TESTING": _env_bool(env, "TESTING", False),
    }

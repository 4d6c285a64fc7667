"""Settings, read from the environment with safe local defaults.

Every setting is documented in README.md ("Settings"). `Config.from_env()` is what wsgi.py uses;
tests build their own with overrides.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_INSTANCE_DIR = BASE_DIR / "instance"


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the app refuses to start."""


def _plan_tax_id(raw: str) -> str:
    if not (len(raw) == 9 and raw.isdigit()):
        raise ConfigError(f"PLAN_TAX_ID must be 9 digits, got {raw!r}")
    return raw


def _plan_address(raw: str) -> str:
    if not re.fullmatch(r"[^,]+, [^,]+, [A-Z]{2} \d{5}(-\d{4})?", raw):
        raise ConfigError(f"PLAN_ADDRESS must look like 'PO Box 1000, Hartford, CT 06101', got {raw!r}")
    return raw


def _env_int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_float(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if not value > 0:
        raise ConfigError(f"{name} must be above 0, got {raw!r}")
    return value


def _env_bool(env: dict, name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_choice(env: dict, name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = (env.get(name) or default).strip().lower()
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _database_url(raw: str | None) -> str | None:
    """postgres:// and postgresql:// URLs use psycopg (version 3), the driver we install."""
    if raw and raw.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


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

    # Tests hash with a cheap method (tests/conftest.py); production always keeps scrypt.
    password_hash_method = env.get("PASSWORD_HASH_METHOD") or "scrypt"
    if is_production and not password_hash_method.startswith("scrypt"):
        raise ConfigError("PASSWORD_HASH_METHOD must be scrypt when PROVIDERDESK_ENV=production")

    mail_server = env.get("MAIL_SERVER", "")
    upload_mb = _env_int(env, "UPLOAD_MAX_MB", 25)
    files_per_upload = _env_int(env, "UPLOAD_MAX_FILES", 5)

    return {
        "ENV_NAME": environment,
        "IS_PRODUCTION": is_production,
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": _database_url(env.get("DATABASE_URL"))
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
        # Several machines: how often each index folder looks for changes made elsewhere, and
        # how long the change log is kept (an index further behind than that is rebuilt).
        "SEARCH_POLL_SECONDS": _env_float(env, "SEARCH_POLL_SECONDS", 1.0),
        "SEARCH_CHANGE_LOG_DAYS": max(1, _env_int(env, "SEARCH_CHANGE_LOG_DAYS", 7)),
        # Mail retry and index catch-up loops inside each web worker; false: a separate
        # `flask --app wsgi worker` process runs them.
        "WEB_BACKGROUND_JOBS": _env_bool(env, "WEB_BACKGROUND_JOBS", True),
        "UPLOAD_MAX_MB": upload_mb,
        "UPLOAD_MAX_FILES": files_per_upload,
        # Whole request: every file at its limit plus room for the form fields.
        "MAX_CONTENT_LENGTH": (upload_mb * files_per_upload + 1) * 1024 * 1024,
        # Open thread and case pages ask for news this often (helpdesk/_live.html); e2e shortens it.
        "LIVE_POLL_SECONDS": max(1, _env_int(env, "LIVE_POLL_SECONDS", 15)),
        # Follow-ups on a closed message within this many days reopen it; later ones start a new one.
        "MESSAGE_REOPEN_DAYS": _env_int(env, "MESSAGE_REOPEN_DAYS", 14),
        # Referrals: approved ones are valid this many days; providers farther than this are marked far away.
        "REFERRAL_VALID_DAYS": _env_int(env, "REFERRAL_VALID_DAYS", 180),
        "REFERRAL_FAR_MILES": _env_int(env, "REFERRAL_FAR_MILES", 30),
        "TRAINING_VALID_DAYS": _env_int(env, "TRAINING_VALID_DAYS", 365),
        "TRAINING_REQUIRED": _env_bool(env, "TRAINING_REQUIRED", True),
        "SESSION_IDLE_MINUTES": _env_int(env, "SESSION_IDLE_MINUTES", 15),
        "SESSION_MAX_HOURS": _env_int(env, "SESSION_MAX_HOURS", 12),  # absolute session lifetime
        # Sign-in throttles: failed sign-ins per client address per hour (all accounts together).
        "SIGN_IN_FAILURES_PER_ADDRESS": _env_int(env, "SIGN_IN_FAILURES_PER_ADDRESS", 100),
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
        "TRUSTED_PROXY_COUNT": _env_int(env, "TRUSTED_PROXY_COUNT", 0),
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
        "COMPRESS_BR_LEVEL": 6,  # htmx: 16.4 KB at 6 vs 17.4 KB at the default 4 (gzip: 16.9 KB)
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_REGISTER": True,
        # Cases: per-user creation limit (instead of a third-party robot check), reopen window.
        "CASE_CREATE_LIMIT": _env_int(env, "CASE_CREATE_LIMIT", 20),
        "CASE_CREATE_WINDOW_MINUTES": _env_int(env, "CASE_CREATE_WINDOW_MINUTES", 10),
        "CASE_REOPEN_DAYS": _env_int(env, "CASE_REOPEN_DAYS", 14),
        "PLAN_PAYER_ID": env.get("PLAN_PAYER_ID", "NYSPARCS"),
        # Submitted claims older than this (date of service) are past timely filing and rejected.
        "CLAIM_TIMELY_FILING_DAYS": _env_int(env, "CLAIM_TIMELY_FILING_DAYS", 180),
        # The plan as payer on Remittance Advice and 835 files (address: "street, city, ST 12345").
        "PLAN_NAME": env.get("PLAN_NAME", "ProviderDesk Health Plan"),
        "PLAN_TAX_ID": _plan_tax_id(env.get("PLAN_TAX_ID", "060000001")),
        "PLAN_ADDRESS": _plan_address(env.get("PLAN_ADDRESS", "PO Box 1000, Hartford, CT 06101")),
        "DEMO_PASSWORD": env.get("DEMO_PASSWORD", "Demo!Pass2026"),
        # Accounts (registration, passcodes, passwords); see README "Settings".
        "PASSCODE_TTL_MINUTES": _env_int(env, "PASSCODE_TTL_MINUTES", 15),
        "PASSCODE_MAX_ATTEMPTS": _env_int(env, "PASSCODE_MAX_ATTEMPTS", 5),
        "PASSCODE_LOCK_MINUTES": _env_int(env, "PASSCODE_LOCK_MINUTES", 30),
        "REGISTRATION_TTL_HOURS": _env_int(env, "REGISTRATION_TTL_HOURS", 72),
        "CREDENTIALS_LINK_HOURS": _env_int(env, "CREDENTIALS_LINK_HOURS", 72),
        "APPROVAL_LINK_DAYS": _env_int(env, "APPROVAL_LINK_DAYS", 14),
        # Identity proofs (NPI + SSN last four / TIN / two recent claims): wrong tries lock like
        # passcodes, per applicant and, with a higher limit, per provider. The SSN-last-four hashes
        # are keyed by IDENTITY_HASH_KEY, or by a key derived from SECRET_KEY when it is not set
        # (set it in production, so rotating SECRET_KEY does not invalidate the stored hashes).
        "IDENTITY_HASH_KEY": env.get("IDENTITY_HASH_KEY", ""),
        "IDENTITY_PROOF_MAX_ATTEMPTS": _env_int(env, "IDENTITY_PROOF_MAX_ATTEMPTS", 5),
        "IDENTITY_PROOF_MAX_PER_PROVIDER": _env_int(env, "IDENTITY_PROOF_MAX_PER_PROVIDER", 20),
        "IDENTITY_PROOF_LOCK_MINUTES": _env_int(env, "IDENTITY_PROOF_LOCK_MINUTES", 30),
        "IDENTITY_CLAIMS_MONTHS": _env_int(env, "IDENTITY_CLAIMS_MONTHS", 12),
        # Never below the guide's 7; default 8 (NIST SP 800-63B).
        "PASSWORD_MIN_LENGTH": max(7, _env_int(env, "PASSWORD_MIN_LENGTH", 8)),
        "PASSWORD_MAX_AGE_DAYS": _env_int(env, "PASSWORD_MAX_AGE_DAYS", 60),  # 0: no rotation
        "PASSWORD_HISTORY": _env_int(env, "PASSWORD_HISTORY", 5),
        "PASSWORD_HASH_METHOD": password_hash_method,
        "TERMS_VERSION": env.get("TERMS_VERSION", "2026-11"),
        "RATE_LIMIT_PER_ADDRESS": _env_int(env, "RATE_LIMIT_PER_ADDRESS", 50),  # one office = one address
        "RATE_LIMIT_PER_EMAIL": _env_int(env, "RATE_LIMIT_PER_EMAIL", 5),
        "RATE_LIMIT_WINDOW_MINUTES": _env_int(env, "RATE_LIMIT_WINDOW_MINUTES", 60),
        "TESTING": _env_bool(env, "TESTING", False),
        # Production: one JSON line per log record and per request (see webapp/requestlog.py).
        "LOG_FORMAT": _env_choice(env, "LOG_FORMAT", "json" if is_production else "text", ("json", "text")),
    }

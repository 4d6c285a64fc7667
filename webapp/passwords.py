"""Password hashing and checking. The rules a new password must meet are not here: they are
`password_problems` in the account package, which the account flows call before saving."""
from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

# scrypt via hashlib: memory-hard, no extra dependency. PASSWORD_HASH_METHOD may name another
# werkzeug method only outside production (the test suite uses a cheap one; see config.py).
DEFAULT_METHOD = "scrypt"
# Real hashes to compare against when the user is unknown, so timing does not tell; one per method.
_dummy_hashes: dict[str, str] = {}


def _method() -> str:
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD") or DEFAULT_METHOD
    return DEFAULT_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        method = _method()
        if method not in _dummy_hashes:
            _dummy_hashes[method] = generate_password_hash("not-a-real-password-0!", method=method)
        check_password_hash(_dummy_hashes[method], password)
        return False
    return check_password_hash(stored_hash, password)

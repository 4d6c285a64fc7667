"""Password hashing and checking. The rules a new password must meet live in
webapp/blueprints/auth/credentials.py (password_problems)."""
from werkzeug.security import check_password_hash, generate_password_hash

# scrypt via hashlib: memory-hard, no extra dependency.
_METHOD = "scrypt"
# A real hash to compare against when the user is unknown, so timing does not tell.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0!", method=_METHOD)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_METHOD)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(stored_hash, password)

"""Proving a provider's identity (registration, "I need additional access", the provider's own
approval by link): NPI plus the last four digits of the SSN (individuals), the Tax ID (groups) or
two recent claims (claim number and billed amount).

Only a keyed hash (HMAC-SHA256, salted with the NPI) of the SSN's last four is stored; it is never
shown. Proofs that do not match are counted per applicant and per provider in one atomic UPDATE
... RETURNING (keyed by a hash, like the sign-in throttle) and lock further tries for a while, like
passcodes; a refusal never says which part did not match. Plain functions: the caller commits
(failures must be kept, so it commits on a refusal too).
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, delete, or_, select, update

from webapp.blueprints.account.questions import check_security_answer, security_questions_of
from webapp.blueprints.auth.services import normalize_email
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import Claim, IdentityProofThrottle, Provider, ProviderKind, User
from webapp.ratelimit import insert_ignore

SSN = "ssn"
TIN = "tin"
CLAIMS = "claims"
PROOF_LABELS = {SSN: "Last four digits of the SSN", TIN: "Tax ID (TIN)", CLAIMS: "Two recent claims"}

ON_FILE = "what we have on file for this provider"


# --- the keyed hash of SSN last four ---------------------------------------------------------------

def identity_hash_key(config: Mapping) -> bytes:
    """The key of the SSN hashes: IDENTITY_HASH_KEY when set, else one derived from SECRET_KEY."""
    configured = config.get("IDENTITY_HASH_KEY")
    if configured:
        return configured.encode()
    # Derived, so the SSN hashes are not keyed with the very key that signs cookies.
    return hmac.new(config["SECRET_KEY"].encode(), b"provider-ssn-last4", hashlib.sha256).digest()


@dataclass(frozen=True)
class IdentitySettings:
    """The identity-proof settings, built once by the caller (route, command) from the app's config."""
    hash_key: bytes  # keys the SSN last-four hashes
    max_attempts: int  # per applicant
    max_per_provider: int
    lock_minutes: int
    claims_months: int  # how recent the two claims must be

    @classmethod
    def from_config(cls, config: Mapping) -> IdentitySettings:
        return cls(hash_key=identity_hash_key(config), max_attempts=config["IDENTITY_PROOF_MAX_ATTEMPTS"],
                   max_per_provider=config["IDENTITY_PROOF_MAX_PER_PROVIDER"],
                   lock_minutes=config["IDENTITY_PROOF_LOCK_MINUTES"], claims_months=config["IDENTITY_CLAIMS_MONTHS"])


def ssn_last4_digest(npi: str, last4: str, *, hash_key: bytes) -> str:
    return hmac.new(hash_key, f"{npi}:{last4}".encode(), hashlib.sha256).hexdigest()


def set_ssn_last4(provider: Provider, last4: str, *, hash_key: bytes) -> None:
    """Keep a keyed hash of an individual provider's SSN last four (caller commits)."""
    if provider.kind is not ProviderKind.PRACTITIONER:
        raise ValueError("only individual providers have an SSN")
    if len(last4) != 4 or not last4.isascii() or not last4.isdigit():
        raise ValueError("the last four of an SSN are four digits")
    provider.ssn_last4_hmac = ssn_last4_digest(provider.npi, last4, hash_key=hash_key)


# --- proofs ----------------------------------------------------------------------------------------

@dataclass
class IdentityProof:
    """What the applicant typed (already in its normal form: digits, cents)."""
    npi: str
    method: str  # SSN, TIN or CLAIMS
    ssn_last4: str = ""
    tax_id: str = ""
    claims: list[tuple[str, int]] = field(default_factory=list)  # (claim number, billed cents)
    provider_email: str = ""  # on behalf of the provider: must be the address on file


@dataclass(frozen=True)
class ProofCheck:
    ok: bool
    locked_minutes: int = 0
    tries_left: int = 0

    @property
    def message(self) -> str:
        return self.text()

    def text(self, what: str = ON_FILE) -> str:
        """The refusal, never saying which part did not match."""
        if self.ok:
            return ""
        if self.locked_minutes:
            return (f"Too many tries did not match. For your security this is locked; try again in "
                    f"{self.locked_minutes} minutes.")
        tries = f"{self.tries_left} {'try' if self.tries_left == 1 else 'tries'} left"
        return f"The details you entered do not match {what}. Check them and try again ({tries})."


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _twelve_months_before(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, 28)
    return date(year, month + 1, day)


def recent_claims_match(npi: str, claims: list[tuple[str, int]], today: date, months: int) -> bool:
    """Two different claims of this NPI, served in the last `months` months, each with its billed amount."""
    numbers = [number for number, _ in claims]
    if len(claims) != 2 or len(set(numbers)) != 2:
        return False
    since = _twelve_months_before(today, months)
    found = {c.claim_number: c.billed_cents for c in db.session.scalars(select(Claim).where(
        Claim.claim_number.in_(numbers), Claim.provider_npi == npi, Claim.service_from >= since,
        Claim.service_from <= today))}
    return all(found.get(number) == cents for number, cents in claims)


def proof_matches(provider: Provider, proof: IdentityProof, *, on_behalf: bool, today: date,
                  hash_key: bytes, claim_months: int = 12) -> bool:
    """Does the proof fit the provider on file? Every part is checked; no part is reported."""
    if not _same(proof.npi, provider.npi):
        return False
    if proof.method == SSN:
        right = bool(provider.ssn_last4_hmac) and _same(
            ssn_last4_digest(provider.npi, proof.ssn_last4, hash_key=hash_key), provider.ssn_last4_hmac)
    elif proof.method == TIN:
        right = _same(proof.tax_id, provider.tax_id)
    elif proof.method == CLAIMS and on_behalf:  # the provider themselves proves with SSN or TIN
        right = recent_claims_match(provider.npi, proof.claims, today, claim_months)
    else:
        right = False
    if on_behalf and provider.email:
        right = right and _same(normalize_email(proof.provider_email), normalize_email(provider.email))
    return right


# --- throttle --------------------------------------------------------------------------------------

def throttle_key(kind: str, value: str | int) -> str:
    return hashlib.sha256(f"identity:{kind}:{value}".encode()).hexdigest()


def _locked_minutes(key: str, now: datetime) -> int:
    row = db.session.get(IdentityProofThrottle, key, populate_existing=True)
    if row is None or row.locked_until is None or row.locked_until <= now:
        return 0
    return max(1, -(-int((row.locked_until - now).total_seconds()) // 60))


def _count_failure(key: str, limit: int, lock_minutes: int, now: datetime) -> tuple[int, datetime | None]:
    """One atomic statement: count the try and, on reaching the limit, lock (never extending a
    running lock; after a lock has run out the count starts again)."""
    insert_ignore(IdentityProofThrottle, key=key, failures=0)
    table = IdentityProofThrottle
    lock_over = and_(table.locked_until.is_not(None), table.locked_until <= now)
    failures = case((lock_over, 1), else_=table.failures + 1)
    not_locked = or_(table.locked_until.is_(None), table.locked_until <= now)
    return tuple(db.session.execute(
        update(table).where(table.key == key)
        .values(failures=failures, last_failure_at=now,
                locked_until=case((and_(not_locked, failures >= limit), now + timedelta(minutes=lock_minutes)),
                                  (lock_over, None), else_=table.locked_until))
        .returning(table.failures, table.locked_until)
        .execution_options(synchronize_session=False)).one())


def throttled_check(limits: dict[str, int], right: callable, *, lock_minutes: int) -> ProofCheck:
    """Run `right()` unless a key is locked; count a refusal against every key in `limits`
    ({key: max tries}), locking a key `lock_minutes` at its limit; a right answer clears the first
    key (the applicant's)."""
    now = utcnow_naive()
    locked = any(_locked_minutes(key, now) for key in limits)
    if not locked and right():
        first = next(iter(limits))
        db.session.execute(delete(IdentityProofThrottle).where(IdentityProofThrottle.key == first))
        return ProofCheck(True)
    counts = {key: _count_failure(key, limit, lock_minutes, now) for key, limit in limits.items()}
    minutes = max((_minutes(until, now) for _, until in counts.values() if until and until > now), default=0)
    if minutes:
        return ProofCheck(False, locked_minutes=minutes)
    first, limit = next(iter(limits.items()))
    return ProofCheck(False, tries_left=max(1, limit - counts[first][0]))


def _minutes(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def check_identity(provider: Provider, proof: IdentityProof, *, applicant: str, on_behalf: bool,
                   today: date, settings: IdentitySettings) -> ProofCheck:
    """The proof of an applicant ("registration:12", "user:7") for `provider`, throttled per
    applicant and per provider."""
    limits = {throttle_key("applicant", applicant): settings.max_attempts,
              throttle_key("provider", provider.id): settings.max_per_provider}
    return throttled_check(limits, lambda: proof_matches(
        provider, proof, on_behalf=on_behalf, today=today, hash_key=settings.hash_key,
        claim_months=settings.claims_months), lock_minutes=settings.lock_minutes)


# --- security questions ----------------------------------------------------------------------------

def provider_account(provider: Provider) -> User | None:
    """The active account whose email is the provider's address on file (the provider's own)."""
    if not provider.email:
        return None
    user = db.session.scalar(select(User).where(User.email == normalize_email(provider.email)))
    return user if user is not None and user.is_active and security_questions_of(user) else None


def check_security_answers(user: User, answers: dict[str, str], *, who: str,
                           settings: IdentitySettings) -> ProofCheck:
    """Every one of the user's security questions answered right (throttled per `who`)."""
    limits = {throttle_key("questions", who): settings.max_attempts}

    def right() -> bool:
        questions = security_questions_of(user)
        results = [check_security_answer(user, q.question, answers.get(q.question, "")) for q in questions]
        return bool(questions) and all(results)

    return throttled_check(limits, right, lock_minutes=settings.lock_minutes)


def check_provider_side(provider: Provider, *, ssn_last4: str, tax_id: str, who: str,
                        settings: IdentitySettings) -> ProofCheck:
    """The provider's own check when they approve by link and have no account with security
    questions: the last four of their SSN (individuals) or their Tax ID (groups)."""
    limits = {throttle_key("provider-approval", who): settings.max_attempts,
              throttle_key("provider", provider.id): settings.max_per_provider}

    def right() -> bool:
        if provider.ssn_last4_hmac:
            return _same(ssn_last4_digest(provider.npi, ssn_last4, hash_key=settings.hash_key),
                         provider.ssn_last4_hmac)
        return _same(tax_id, provider.tax_id)

    return throttled_check(limits, right, lock_minutes=settings.lock_minutes)

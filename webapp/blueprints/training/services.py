"""Training rules as plain functions (no flask.request); the caller commits.

A provider user (Staff, Local Office Administrator) needs a passed attempt at their role's module
taken within the last `valid_days` (365); until then they see only the training. Reminders go
30 and 7 days before a pass expires, once each (a TrainingReminder row per attempt and day).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.mailer import queue_mail
from webapp.models import (AccessStatus, Provider, ProviderAccess, Role, TrainingAttempt, TrainingModule,
                           TrainingReminder, User, UserStatus)

MODULES_FILE = Path(__file__).resolve().parents[3] / "data" / "training.json"
TRAINED_ROLES = (Role.STAFF, Role.LOCAL_OFFICE_ADMIN)
REMINDER_DAYS = (30, 7)
MAX_PAGES = 30
MAX_QUESTIONS = 30


def needs_training(user: User) -> bool:
    return user.role in TRAINED_ROLES


def ensure_modules(path: Path = MODULES_FILE) -> dict[Role, TrainingModule]:
    """The module of each trained role; a role without one gets the shipped text from data/training.json."""
    modules = {m.role: m for m in db.session.scalars(select(TrainingModule))}
    missing = [role for role in TRAINED_ROLES if role not in modules]
    if missing:
        shipped = json.loads(path.read_text())
        for role in missing:
            data = shipped[role.value]
            modules[role] = TrainingModule(role=role, title=data["title"], pages=data["pages"],
                                           quiz=data["quiz"], pass_mark=data["pass_mark"])
            db.session.add(modules[role])
        db.session.flush()
    return modules


def module_for(user: User) -> TrainingModule | None:
    if not needs_training(user):
        return None
    return ensure_modules()[user.role]


def latest_pass(user: User) -> TrainingAttempt | None:
    return db.session.scalar(select(TrainingAttempt).where(
        TrainingAttempt.user_id == user.id, TrainingAttempt.passed.is_(True))
        .order_by(TrainingAttempt.taken_at.desc()).limit(1))


def expires_at(attempt: TrainingAttempt, valid_days: int) -> datetime:
    return valid_until(attempt.taken_at, valid_days)


def valid_until(taken_at: datetime, valid_days: int) -> datetime:
    return taken_at + timedelta(days=valid_days)


def is_due(user: User, valid_days: int, now: datetime | None = None) -> bool:
    """True when the user must (re)take training before using the portal."""
    if not needs_training(user):
        return False
    passed = latest_pass(user)
    return passed is None or expires_at(passed, valid_days) <= (now or utcnow_naive())


@dataclass(frozen=True)
class Grade:
    score: int  # percent
    passed: bool
    wrong: tuple[int, ...]  # indexes of questions answered wrongly (or not at all)


def grade(module: TrainingModule, answers: dict[int, int | None]) -> Grade:
    """Score `answers` ({question index: chosen choice index}) against the module's quiz."""
    quiz = module.quiz or []
    wrong = tuple(i for i, q in enumerate(quiz) if answers.get(i) != q["answer"])
    score = round(100 * (len(quiz) - len(wrong)) / len(quiz)) if quiz else 0
    return Grade(score=score, passed=bool(quiz) and score >= module.pass_mark, wrong=wrong)


def record_attempt(user: User, module: TrainingModule, result: Grade, now: datetime | None = None) -> TrainingAttempt:
    attempt = TrainingAttempt(user_id=user.id, module_id=module.id, taken_at=now or utcnow_naive(),
                              score=result.score, passed=result.passed)
    db.session.add(attempt)
    return attempt


# --- reminders ---------------------------------------------------------------------------------------

def send_reminders(*, valid_days: int, link: str, now: datetime | None = None) -> int:
    """Mail every active provider user whose pass expires within 30 (or 7) days and who has not been
    reminded for that mark yet; returns the number queued. Safe to run any number of times a day."""
    now = now or utcnow_naive()
    queued = 0
    users = db.session.scalars(select(User).where(User.role.in_(TRAINED_ROLES), User.status == UserStatus.ACTIVE))
    for user in users:
        passed = latest_pass(user)
        if passed is None:
            continue
        expiry = expires_at(passed, valid_days)
        if expiry <= now:
            continue  # expired: the gate at sign-in takes over
        sent = set(db.session.scalars(select(TrainingReminder.days_before)
                                      .where(TrainingReminder.attempt_id == passed.id)))
        # Only the nearest mark that has been reached: a pass found 5 days out gets one mail, not two.
        reached = [days for days in REMINDER_DAYS if expiry - now <= timedelta(days=days)]
        if not reached:
            continue
        days = min(reached)
        if days in sent:
            continue
        for mark in reached:
            if mark not in sent:
                db.session.add(TrainingReminder(attempt_id=passed.id, days_before=mark, sent_at=now))
        queue_mail(user.email, "Your Provider Portal training is due soon",
                   reminder_body(user, expiry.date(), link))
        queued += 1
    return queued


def reminder_body(user: User, expiry: date, link: str) -> str:
    # Links only: no PHI, nothing about the office's providers.
    return (f"Hello {user.first_name},\n\n"
            f"Your annual Provider Portal training expires on {expiry:%B %-d, %Y}. After that date you "
            f"will see only the training when you sign in, until you pass it again.\n\n"
            f"Take the training: {link}\n\n"
            f"If you did not expect this message, contact your Local Office Administrator.\n")


# --- the office's view ------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrainingStatus:
    user: User
    passed_at: datetime | None
    score: int | None
    expires: datetime | None
    due: bool  # expired or never passed
    due_soon: bool  # expires within 30 days

    @property
    def label(self) -> str:
        if self.passed_at is None:
            return "Not taken"
        if self.due:
            return "Expired"
        if self.due_soon:
            return "Due soon"
        return "Passed"


def status_of(user: User, valid_days: int, now: datetime | None = None) -> TrainingStatus:
    now = now or utcnow_naive()
    passed = latest_pass(user)
    if passed is None:
        return TrainingStatus(user, None, None, None, True, False)
    expiry = expires_at(passed, valid_days)
    return TrainingStatus(user, passed.taken_at, passed.score, expiry, expiry <= now,
                          now < expiry <= now + timedelta(days=max(REMINDER_DAYS)))


def administered_providers(administrator: User):
    """The providers whose office this person runs, as a subquery of ids: a Local Office
    Administrator's own; the plan's administrator runs every office's."""
    if administrator.is_admin:
        return select(Provider.id)
    return select(Provider.id).where(Provider.administrator_id == administrator.id)


def office_users(administrator: User) -> list[User]:
    """Everyone with active access to a provider this administrator administers."""
    provider_ids = administered_providers(administrator)
    return list(db.session.scalars(
        select(User).join(ProviderAccess, ProviderAccess.user_id == User.id)
        .where(ProviderAccess.provider_id.in_(provider_ids), ProviderAccess.status == AccessStatus.ACTIVE,
               User.role.in_(TRAINED_ROLES))
        .distinct().order_by(User.last_name, User.first_name)))


def office_training(administrator: User, valid_days: int, now: datetime | None = None) -> list[TrainingStatus]:
    """The office's people, those due (or due soon) first."""
    rows = [status_of(user, valid_days, now) for user in office_users(administrator)]
    return sorted(rows, key=lambda r: (not r.due, not r.due_soon, r.user.last_name, r.user.first_name))


# --- admin editing ----------------------------------------------------------------------------------

def pages_from_text(text: str) -> tuple[list[dict], list[str]]:
    """Pages written as blocks separated by a line "---"; each block's first line is its heading."""
    pages, errors = [], []
    for number, block in enumerate((b.strip() for b in text.replace("\r\n", "\n").split("\n---\n")), 1):
        if not block:
            continue
        heading, _, body = block.partition("\n")
        if not body.strip():
            errors.append(f"Page {number} needs text under its heading.")
        pages.append({"heading": heading.strip()[:200], "body": body.strip()})
    if not pages:
        errors.append("Write at least one page.")
    if len(pages) > MAX_PAGES:
        errors.append(f"At most {MAX_PAGES} pages.")
    return pages, errors


def pages_to_text(pages: list[dict]) -> str:
    return "\n---\n".join(f"{p['heading']}\n{p['body']}" for p in pages)


def quiz_from_text(text: str) -> tuple[list[dict], list[str]]:
    """Questions as blocks separated by a blank line: the question, then one choice per line, the right
    choice starting with "*"."""
    quiz, errors = [], []
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    for number, block in enumerate(blocks, 1):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        question, choice_lines = lines[0], lines[1:]
        right = [i for i, line in enumerate(choice_lines) if line.startswith("*")]
        choices = [line.lstrip("*").strip() for line in choice_lines]
        if len(choices) < 2:
            errors.append(f"Question {number} needs at least two choices, one per line.")
        elif len(right) != 1:
            errors.append(f"Question {number} needs exactly one right choice, marked with *.")
        else:
            quiz.append({"question": question[:500], "choices": [c[:300] for c in choices], "answer": right[0]})
    if not blocks:
        errors.append("Write at least one question.")
    if len(blocks) > MAX_QUESTIONS:
        errors.append(f"At most {MAX_QUESTIONS} questions.")
    return quiz, errors


def quiz_to_text(quiz: list[dict]) -> str:
    return "\n\n".join(q["question"] + "".join(
        f"\n{'*' if i == q['answer'] else ''}{choice}" for i, choice in enumerate(q["choices"])) for q in quiz)


def update_module(module: TrainingModule, *, title: str, pass_mark: int, pages_text: str, quiz_text: str,
                  editor: User, now: datetime | None = None) -> dict[str, list[str]]:
    """Apply an admin's edit; returns errors by field (nothing changed when there are any)."""
    pages, page_errors = pages_from_text(pages_text)
    quiz, quiz_errors = quiz_from_text(quiz_text)
    errors = {name: found for name, found in (("pages", page_errors), ("quiz", quiz_errors)) if found}
    if errors:
        return errors
    module.title, module.pass_mark, module.pages, module.quiz = title, pass_mark, pages, quiz
    module.updated_at, module.updated_by_id = now or utcnow_naive(), editor.id
    return {}


def all_modules() -> list[TrainingModule]:
    modules = ensure_modules()
    return [modules[role] for role in TRAINED_ROLES]


def demo_pass(user: User, now: datetime, days_ago: int = 40) -> None:
    """Demo users have passed their module (idempotent)."""
    if needs_training(user) and latest_pass(user) is None:
        module = ensure_modules()[user.role]
        db.session.add(TrainingAttempt(user_id=user.id, module_id=module.id, score=100, passed=True,
                                       taken_at=now - timedelta(days=days_ago)))

"""Security questions, with answers hashed after normalising case and spaces."""
from __future__ import annotations

from sqlalchemy import delete, select

from webapp.extensions import db
from webapp.models import SecurityAnswer, User
from webapp.passwords import hash_password, verify_password

SECURITY_QUESTIONS = {
    "first_street": "What was the name of the street you grew up on?",
    "first_school": "What was the name of your first school?",
    "first_pet": "What was the name of your first pet?",
    "mother_city": "In what city was your mother born?",
    "first_job": "What was your first job?",
    "favorite_teacher": "What was the last name of your favorite teacher?",
    "first_car": "What was the make of your first car?",
    "childhood_friend": "What is the first name of your childhood best friend?",
}


def normalize_answer(answer: str) -> str:
    """Case and spacing do not matter: '  New   York ' == 'new york'."""
    return " ".join((answer or "").split()).casefold()


def set_security_answers(user: User, pairs: list[tuple[str, str]]) -> None:
    """Replace the user's questions with `pairs` [(question key, answer), ...]. Caller commits."""
    keys = [q for q, _ in pairs]
    if len(set(keys)) != len(keys) or any(q not in SECURITY_QUESTIONS for q in keys):
        raise ValueError("choose different questions from the list")
    if any(not normalize_answer(a) for _, a in pairs):
        raise ValueError("every question needs an answer")
    db.session.execute(delete(SecurityAnswer).where(SecurityAnswer.user_id == user.id))
    for position, (question, answer) in enumerate(pairs, start=1):
        db.session.add(SecurityAnswer(user_id=user.id, question=question, position=position,
                                      answer_hash=hash_password(normalize_answer(answer))))


def security_questions_of(user: User) -> list[SecurityAnswer]:
    return list(db.session.scalars(select(SecurityAnswer).where(SecurityAnswer.user_id == user.id)
                                   .order_by(SecurityAnswer.position)))


def check_security_answer(user: User, question: str, answer: str) -> bool:
    row = db.session.scalar(select(SecurityAnswer).where(
        SecurityAnswer.user_id == user.id, SecurityAnswer.question == question))
    normalized = normalize_answer(answer)
    if row is None:
        verify_password(None, normalized)  # same work either way
        return False
    return verify_password(row.answer_hash, normalized)

"""Receiving the files a form posted: the one place routes take uploads, with the configured limits.

A route calls receive_posted(form.files) after its form passed. None means the route answers its form
again with 422: the refusals are on the field and nothing stays on disk. Otherwise it attaches the
prepared files in the transaction it commits (see services.py).
"""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from wtforms import Field

from webapp.blueprints.attachments.services import PreparedFile, discard, limits_text, receive_files


def receive_posted(field: Field, *, max_files: int | None = None,
                   required: str | None = None) -> list[PreparedFile] | None:
    """The files chosen in `field`, checked by content and stored, ready to attach; or None when any
    is refused (or, with `required`, when none was chosen: `required` is the message then).

    `max_files` overrides UPLOAD_MAX_FILES (a form whose owner already holds some files)."""
    config = current_app.config
    prepared, refusals = receive_files(
        request.files.getlist(field.name), user_id=current_user.id, upload_dir=config["UPLOAD_DIR"],
        max_mb=config["UPLOAD_MAX_MB"],
        max_files=config["UPLOAD_MAX_FILES"] if max_files is None else max_files)
    if refusals or (required and not prepared):
        discard(prepared)
        field.errors = [str(refusal) for refusal in refusals] or [required]
        return None
    return prepared


def upload_limits(max_files: int | None = None) -> str:
    """What an upload field says before anyone picks a file, from the configured limits."""
    config = current_app.config
    return limits_text(config["UPLOAD_MAX_MB"], config["UPLOAD_MAX_FILES"] if max_files is None else max_files)

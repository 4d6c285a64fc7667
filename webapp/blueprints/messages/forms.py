"""Message Center forms and their field rules; rules that read other records are in services."""
from __future__ import annotations

import json

from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, MultipleFileField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from webapp.models import ThreadStatus

STATUS_CHOICES = [(s.value, s.label) for s in ThreadStatus]
BODY_MAX = 20_000
SUBJECT_MAX = 200
RULES_FILE_MAX = 1024 * 1024


def optional_int(value) -> int | None:
    """A select's id, or None for anything else (then the field's own rule says what to choose)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class MessageText:
    """The text of a message: not blank, at most BODY_MAX characters (the message says how many it has)."""

    def __call__(self, form, field):
        text = field.data or ""
        if not text.strip():
            raise StopValidation("Enter your message.")
        if len(text) > BODY_MAX:
            raise ValidationError(f"The message must be {BODY_MAX:,} characters or fewer (it has {len(text):,}).")


def _at_most(limit: int, label: str) -> Length:
    return Length(max=limit, message=f"{label} must be {limit} characters or fewer.")


class NewMessageForm(FlaskForm):
    provider = SelectField("Provider", coerce=optional_int, validate_choice=False)
    category = SelectField("Category", validate_choice=False, validators=[DataRequired("Choose a category.")])
    choose = SubmitField("Show sub-categories")
    subcategory = SelectField("Sub-category", validate_choice=False)
    claim_number = StringField("Claim #", validators=[Optional(), _at_most(20, "Claim #")])
    member_id = StringField("Member ID", validators=[Optional(), _at_most(20, "Member ID")])
    reference_id = StringField("Reference ID", validators=[Optional(), _at_most(40, "Reference ID")])
    contact_name = StringField("Contact name", validators=[Optional(), _at_most(120, "Contact name")])
    contact_phone = StringField("Contact phone", validators=[Optional(), _at_most(30, "Contact phone")])
    subject = StringField("Subject", validators=[
        DataRequired("Enter a subject."),
        Length(max=SUBJECT_MAX, message=f"The subject must be {SUBJECT_MAX} characters or fewer.")])
    body = TextAreaField("Message", validators=[MessageText()])
    attachments = MultipleFileField("Attachments")
    find_help = SubmitField("Find help articles")  # what the Subject's suggestions show, without JavaScript
    submit = SubmitField("Send Message")


class FollowUpForm(FlaskForm):
    body = TextAreaField("Follow-up message", validators=[MessageText()])
    attachments = MultipleFileField("Documents")
    submit = SubmitField("Send Follow-up")


class GrievanceForm(FlaskForm):
    body = TextAreaField("Why do you still disagree?", validators=[MessageText()])
    contact_name = StringField("Contact name", validators=[
        DataRequired("Enter the name of the person we can speak to."), _at_most(120, "Contact name")])
    contact_phone = StringField("Contact phone", validators=[
        DataRequired("Enter the phone number of the person we can speak to."), _at_most(30, "Contact phone")])
    submit = SubmitField("Request review as a Grievance")


class ReplyForm(FlaskForm):
    body = TextAreaField("Reply", validators=[MessageText()])
    internal = BooleanField("Internal note")
    status = SelectField("Then mark as", choices=[("", "Answered (reply) / unchanged (note)")] + STATUS_CHOICES,
                         validate_choice=False)
    attachments = MultipleFileField("Attachments")
    submit = SubmitField("Send")

    def validate_status(self, field):
        if field.data and field.data not in {value for value, _ in STATUS_CHOICES}:
            raise ValidationError("Choose a status from the list.")


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[DataRequired()])
    submit = SubmitField("Change status")


class MoveForm(FlaskForm):
    """The queue's choices are set by the page (every queue) before it validates."""
    queue = SelectField("Queue", coerce=optional_int, validate_choice=False)
    submit = SubmitField("Move to queue")

    def validate_queue(self, field):
        if field.data is None or field.data not in {value for value, _ in field.choices or []}:
            raise ValidationError("Choose a queue.")


class TemplateForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=120)])
    body = TextAreaField("Text", validators=[DataRequired("Enter the reply text."), Length(max=20000)])
    submit = SubmitField("Save reply template")


class RulesUploadForm(FlaskForm):
    """An edited rules file: one JSON object (its content is checked by services.load_rules)."""
    rules_file = FileField("Rules file (JSON)")
    submit = SubmitField("Load rules")
    rules: dict | None = None

    def validate_rules_file(self, field):
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Nothing changed: choose a rules file")
        try:
            data = json.loads(upload.read(RULES_FILE_MAX).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationError(f"Nothing changed: {exc}") from None
        if not isinstance(data, dict):
            raise ValidationError("Nothing changed: the file must hold one JSON object")
        self.rules = data

from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, MultipleFileField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.models import ThreadStatus

STATUS_CHOICES = [(s.value, s.label) for s in ThreadStatus]


class NewMessageForm(FlaskForm):
    provider = SelectField("Provider", coerce=int, validate_choice=False)
    category = SelectField("Category", validate_choice=False)
    choose = SubmitField("Show sub-categories")
    subcategory = SelectField("Sub-category", validate_choice=False)
    claim_number = StringField("Claim #", validators=[Optional(), Length(max=20)])
    member_id = StringField("Member ID", validators=[Optional(), Length(max=20)])
    reference_id = StringField("Reference ID", validators=[Optional(), Length(max=40)])
    contact_name = StringField("Contact name", validators=[Optional(), Length(max=120)])
    contact_phone = StringField("Contact phone", validators=[Optional(), Length(max=30)])
    subject = StringField("Subject")
    body = TextAreaField("Message")
    attachments = MultipleFileField("Attachments")
    submit = SubmitField("Send Message")


class FollowUpForm(FlaskForm):
    body = TextAreaField("Follow-up message")
    attachments = MultipleFileField("Documents")
    submit = SubmitField("Send Follow-up")


class GrievanceForm(FlaskForm):
    body = TextAreaField("Why do you still disagree?")
    contact_name = StringField("Contact name")
    contact_phone = StringField("Contact phone")
    submit = SubmitField("Request review as a Grievance")


class ReplyForm(FlaskForm):
    body = TextAreaField("Reply")
    internal = BooleanField("Internal note")
    status = SelectField("Then mark as", choices=[("", "Answered (reply) / unchanged (note)")] + STATUS_CHOICES,
                         validate_choice=True)
    attachments = MultipleFileField("Attachments")
    submit = SubmitField("Send")


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[DataRequired()])
    submit = SubmitField("Change status")


class MoveForm(FlaskForm):
    queue = SelectField("Queue", coerce=int, validate_choice=False)
    submit = SubmitField("Move to queue")


class TemplateForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=120)])
    body = TextAreaField("Text", validators=[DataRequired("Enter the reply text."), Length(max=20000)])
    submit = SubmitField("Save reply template")


class RulesUploadForm(FlaskForm):
    rules_file = FileField("Rules file (JSON)")
    submit = SubmitField("Load rules")

"""The account forms every flow shares: passcodes, passwords, security questions, email, and the
small field helpers (strip, phone numbers)."""
import re

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from webapp.blueprints.account.questions import SECURITY_QUESTIONS


def strip(value):
    return value.strip() if isinstance(value, str) else value


def normalize_phone(value: str | None) -> str | None:
    """'860.555.0142', '+1 (860) 555-0142' -> '(860) 555-0142'; None when it is not a US number."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        return None
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def validate_phone(form, field):
    normalized = normalize_phone(field.data)
    if normalized is None:
        raise ValidationError("Enter a 10-digit mobile number, like (860) 555-0142.")
    field.data = normalized


class PasscodeForm(FlaskForm):
    passcode = StringField("Passcode", filters=[strip], validators=[
        DataRequired("Enter the passcode from the email."), Length(max=20)])
    submit = SubmitField("Next")


def _password_field(label):
    return PasswordField(label, validators=[DataRequired(f"Enter your {label.lower()}."), Length(max=200)])


class NewPasswordForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired("Enter a password."), Length(max=200)])
    confirm = PasswordField("Confirm Password", validators=[
        DataRequired("Enter the password again to confirm it."),
        EqualTo("password", "The passwords do not match.")])
    submit = SubmitField("Next")


QUESTION_CHOICES = [SelectChoice("", "Choose a question")] + [SelectChoice(k, v) for k, v in SECURITY_QUESTIONS.items()]


class SecurityQuestionsForm(FlaskForm):
    question_1 = SelectField("Security question 1", choices=QUESTION_CHOICES,
                             validators=[DataRequired("Choose the first security question.")])
    answer_1 = StringField("Answer 1", filters=[strip], validators=[
        DataRequired("Enter the answer to the first question."), Length(max=100)])
    question_2 = SelectField("Security question 2", choices=QUESTION_CHOICES,
                             validators=[DataRequired("Choose the second security question.")])
    answer_2 = StringField("Answer 2", filters=[strip], validators=[
        DataRequired("Enter the answer to the second question."), Length(max=100)])
    submit = SubmitField("Submit")

    def validate_question_2(self, field):
        if field.data and field.data == self.question_1.data:
            raise ValidationError("Choose two different questions.")

    def pairs(self):
        return [(self.question_1.data, self.answer_1.data), (self.question_2.data, self.answer_2.data)]


class VerificationCodeForm(FlaskForm):
    passcode = StringField("Verification Code", filters=[strip], validators=[
        DataRequired("Enter the verification code from the email."), Length(max=20)])
    submit = SubmitField("Verify")


class ChangePasswordForm(FlaskForm):
    password = PasswordField("New Password", validators=[DataRequired("Enter a new password."), Length(max=200)])
    confirm = PasswordField("Confirm Password", validators=[
        DataRequired("Enter the new password again to confirm it."),
        EqualTo("password", "The passwords do not match.")])
    submit = SubmitField("Save")


class ChangeSecurityForm(SecurityQuestionsForm):
    submit = SubmitField("Save")


class EmailOnlyForm(FlaskForm):
    email = StringField("Email address", filters=[strip], validators=[
        DataRequired("Enter your email address."), Length(max=254),
        Email("Enter an email address like name@example.com.", check_deliverability=False)])
    submit = SubmitField("Next")


class SecurityAnswerForm(FlaskForm):
    answer = StringField("Answer", filters=[strip], validators=[
        DataRequired("Enter the answer to your security question."), Length(max=100)])
    submit = SubmitField("Next")

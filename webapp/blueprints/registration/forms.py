import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, SelectField, StringField, \
    SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from webapp.blueprints.auth.credentials import SECURITY_QUESTIONS
from webapp.identifiers import clean_digits, is_valid_tax_id


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


def validate_tax_id(form, field):
    if not field.data:
        return
    digits = clean_digits(field.data)
    if not is_valid_tax_id(digits):
        raise ValidationError("Enter the Tax ID as exactly 9 digits, like 000123456.")
    field.data = digits


class DetailsForm(FlaskForm):
    full_name = StringField("Full name", filters=[strip], validators=[
        DataRequired("Enter your full name."), Length(max=160, message="Full name must be 160 characters or fewer.")])
    office_address = TextAreaField("Provider's full address", filters=[strip], validators=[
        DataRequired("Enter the provider's full address."),
        Length(max=300, message="The address must be 300 characters or fewer.")])
    mobile_phone = StringField("Mobile number", filters=[strip], validators=[
        DataRequired("Enter your mobile number."), validate_phone])
    email = StringField("Email address", filters=[strip], validators=[
        DataRequired("Enter your email address."), Length(max=254),
        Email("Enter an email address like name@example.com.", check_deliverability=False)])
    position = StringField("Position", filters=[strip], validators=[
        DataRequired("Enter your position, for example Billing Specialist."), Length(max=120)])
    submit = SubmitField("Next")

    def validate_full_name(self, field):
        if len(field.data.split()) < 2:
            raise ValidationError("Enter your first and last name.")


class PasscodeForm(FlaskForm):
    passcode = StringField("Passcode", filters=[strip], validators=[
        DataRequired("Enter the passcode from the email."), Length(max=20)])
    submit = SubmitField("Next")


class TermsForm(FlaskForm):
    read_terms = BooleanField("I have read the terms")
    submit = SubmitField("Accept")

    def validate_read_terms(self, field):
        if not field.data:
            raise ValidationError("Read the terms to the end before accepting them.")


class PractitionerSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    first_name = StringField("First name", filters=[strip], validators=[Optional(), Length(max=80)])
    last_name = StringField("Last name", filters=[strip], validators=[Optional(), Length(max=80)])
    tax_id = StringField("Tax ID", filters=[strip], validators=[Optional(), validate_tax_id])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.tax_id.data and not (self.first_name.data and self.last_name.data):
            self.last_name.errors.append("Enter the practitioner's first and last name, or a Tax ID.")
            return False
        return ok


class GroupSearchForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Group/Facility name", filters=[strip], validators=[Optional(), Length(max=200)])
    tax_id = StringField("Tax ID", filters=[strip], validators=[Optional(), validate_tax_id])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.tax_id.data and not self.name.data:
            self.name.errors.append("Enter the group or facility name, or a Tax ID.")
            return False
        return ok


REGISTERING_AS = [SelectChoice("behalf", "On behalf of the provider"), SelectChoice("provider", "As the provider")]


class SelectProviderForm(FlaskForm):
    provider_id = RadioField("Your provider", coerce=int, validate_choice=False,
                             validators=[DataRequired("Select your provider from the results.")])
    registering_as = RadioField("I am registering", choices=REGISTERING_AS, default="behalf",
                                validators=[DataRequired("Say whether you register as the provider or on their behalf.")])
    submit = SubmitField("Next")


class SubmitRequestForm(FlaskForm):
    submit = SubmitField("Submit")


class DecisionForm(FlaskForm):
    reason = TextAreaField("Reason (optional)", filters=[strip], validators=[
        Optional(), Length(max=500, message="The reason must be 500 characters or fewer.")])
    replace_administrator = BooleanField("Replace current administrator: make this user the Local Office Administrator")
    approve = SubmitField("Approve")
    reject = SubmitField("Reject")


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


class TokenForm(FlaskForm):
    token = HiddenField()


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

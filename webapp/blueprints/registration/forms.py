from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from webapp.blueprints.account.forms import strip, validate_phone


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


class TermsForm(FlaskForm):
    read_terms = BooleanField("I have read the terms")
    submit = SubmitField("Accept")

    def validate_read_terms(self, field):
        if not field.data:
            raise ValidationError("Read the terms to the end before accepting them.")


class SubmitRequestForm(FlaskForm):
    submit = SubmitField("Submit")


class DecisionForm(FlaskForm):
    reason = TextAreaField("Reason (optional)", filters=[strip], validators=[
        Optional(), Length(max=500, message="The reason must be 500 characters or fewer.")])
    replace_administrator = BooleanField("Replace current administrator: make this user the Local Office Administrator")
    approve = SubmitField("Approve")
    reject = SubmitField("Reject")


class TokenForm(FlaskForm):
    token = HiddenField()

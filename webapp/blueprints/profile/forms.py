from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField, StringField
from wtforms.validators import DataRequired, Length

from webapp.blueprints.account.forms import strip, validate_phone


class DemographicsForm(FlaskForm):
    mobile_phone = StringField("Mobile number", filters=[strip], validators=[
        DataRequired("Enter your mobile number."), validate_phone])
    position = StringField("Position", filters=[strip], validators=[
        DataRequired("Enter your position."), Length(max=120)])
    office_address = TextAreaField("Provider's full address", filters=[strip], validators=[
        DataRequired("Enter the provider's full address."), Length(max=300)])
    submit = SubmitField("Save")


"""Finding a provider (registration step 4, My Collections > Add provider)."""
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.blueprints.account.forms import strip
from webapp.identifiers import clean_digits, is_valid_tax_id


def validate_tax_id(form, field):
    if not field.data:
        return
    digits = clean_digits(field.data)
    if not is_valid_tax_id(digits):
        raise ValidationError("Enter the Tax ID as exactly 9 digits, like 000123456.")
    field.data = digits


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
ROLES = [SelectChoice("staff", "Staff"), SelectChoice("administrator", "Local Office Administrator (SAA)")]


class SelectProviderForm(FlaskForm):
    provider_id = RadioField("Your provider", coerce=int, validate_choice=False,
                             validators=[DataRequired("Select your provider from the results.")])
    role = RadioField("Role", choices=ROLES, default="staff",
                      validators=[DataRequired("Choose Staff or Local Office Administrator (SAA).")])
    registering_as = RadioField("I am registering", choices=REGISTERING_AS, default="behalf",
                                validators=[DataRequired("Say whether you register as the provider or on their behalf.")])
    submit = SubmitField("Next")

    @property
    def wants_administrator(self) -> bool:
        return self.role.data == "administrator"

    @property
    def on_behalf(self) -> bool:
        return self.registering_as.data != "provider"



"""The Submit a Claim form: every field is text kept as typed; scrubbing.py judges the values on submit.
Only lengths are checked here, so a draft always saves."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from webapp.blueprints.submission.scrubbing import (LINE_LABELS, MAX_DIAGNOSES, MAX_LINES, diagnosis_key,
                                                    line_key)

LINE_LENGTHS = {"from": 10, "to": 10, "pos": 2, "code": 5, "mod1": 2, "mod2": 2, "mod3": 2, "mod4": 2,
                "units": 4, "charge": 12, "pointers": 12}


class StartForm(FlaskForm):
    """Only the CSRF token: starting a claim creates its draft."""


class SubmissionForm(FlaskForm):
    billing_provider_id = SelectField("Billing Provider", choices=[], validate_choice=False)
    rendering_npi = StringField("Rendering Provider NPI", validators=[Optional(), Length(max=10)])
    member_id = StringField("Member ID", validators=[Optional(), Length(max=20)])
    patient_account = StringField("Patient Account Number", validators=[Optional(), Length(max=38)])
    prior_authorization = StringField("Prior Authorization Number", validators=[Optional(), Length(max=50)])
    referral_number = StringField("Referral Number", validators=[Optional(), Length(max=50)])


for _number in range(1, MAX_DIAGNOSES + 1):
    setattr(SubmissionForm, diagnosis_key(_number),
            StringField(f"Diagnosis {_number}", validators=[Optional(), Length(max=8)]))
for _number in range(1, MAX_LINES + 1):
    for _name, _label in LINE_LABELS.items():
        setattr(SubmissionForm, line_key(_number, _name),
                StringField(_label, validators=[Optional(), Length(max=LINE_LENGTHS[_name])]))


def submission_form(providers, values: dict | None = None) -> SubmissionForm:
    """Bound to the request's form data on POST, to the draft's values on GET."""
    form = SubmissionForm(data=values) if values is not None else SubmissionForm()
    form.billing_provider_id.choices = [("", "Choose a provider")] + [
        (str(p.id), f"{p.name} (NPI {p.npi}, Tax ID {p.tax_id})") for p in providers]
    return form

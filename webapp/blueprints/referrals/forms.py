from flask_wtf import FlaskForm
from wtforms import (DateField, FieldList, Form, FormField, IntegerField, MultipleFileField, RadioField, SelectField,
                     StringField, SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional


def choices(pairs) -> list[SelectChoice]:
    """(value, label[, render_kw]) pairs as WTForms options."""
    return [SelectChoice(*pair) for pair in pairs]

STATUS_CHOICES = choices([("", "All Statuses (5)"), ("denied", "Denied"), ("pending", "Pending"), ("approved", "Approved"),
                  ("modified", "Modified"), ("void", "Void")])


class DateSearchForm(FlaskForm):
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    date_type = SelectField("Type of Date", choices=choices([("service", "Date of Service"), ("request", "Request Date")]),
                            default="request")
    status = SelectField("Status", choices=STATUS_CHOICES, default="")
    member_id = StringField("CIN", validators=[Optional(), Length(max=20)])
    submit = SubmitField("Find Referrals")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.date_from.data and self.date_to.data):
            (self.date_from if not self.date_from.data else self.date_to).errors.append(
                "Enter the Date Range (From and To).")
            return False
        if self.date_to.data < self.date_from.data:
            self.date_to.errors.append("The To date must be on or after the From date.")
            return False
        if (self.date_to.data - self.date_from.data).days > 366:
            self.date_to.errors.append("Search at most one year at a time.")
            return False
        return True


class CodeSearchForm(FlaskForm):
    code = StringField("Referral Code", validators=[Length(max=12)])
    submit = SubmitField("Find Referrals")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.code.data or "").strip():
            self.code.errors.append("Enter the Referral Code.")
            return False
        return True


class AboutForm(FlaskForm):
    referral_type = RadioField("Type of referral", validate_choice=False)
    member_query = StringField("Name or Member ID", validators=[Optional(), Length(max=120)])
    find_member = SubmitField("Find Member")
    member = RadioField("Member", coerce=int, validate_choice=False)
    member_zip = StringField("Member ZIP Code", validators=[Optional(), Length(max=5)])
    next = SubmitField("Next")


class ReferringForm(FlaskForm):
    referring_provider = RadioField("Referring Provider", coerce=int, validate_choice=False)
    next = SubmitField("Next")


class ReferredForm(FlaskForm):
    provider_query = StringField("Provider name, provider ID or specialty", validators=[Optional(), Length(max=120)])
    search = SubmitField("Search for Provider")
    referred_provider = RadioField("Referred To Provider", coerce=int, validate_choice=False)
    next = SubmitField("Next")


class ServiceRowForm(Form):
    cpt = SelectField("Service (CPT)", validate_choice=False)
    units = IntegerField("Units", validators=[Optional(), NumberRange(min=1, max=999)])


class MedicalForm(FlaskForm):
    priority = RadioField("Priority", validate_choice=False)
    request_date = DateField("Request Date", validators=[Optional()])
    service_date = DateField("Date of Service", validators=[Optional()])
    place_of_service = SelectField("Place of Service", validate_choice=False)
    services = FieldList(FormField(ServiceRowForm), min_entries=1, max_entries=20)
    add_service = SubmitField("+ Add Service")
    icd_query = StringField("Find an ICD Code", validators=[Optional(), Length(max=80)])
    find_icd = SubmitField("Find")
    icd_choice = SelectField("ICD Code", validate_choice=False)
    add_icd = SubmitField("+ Add ICD Code")
    clinical_indications = TextAreaField("Clinical Indications", validators=[Optional(), Length(max=4000)])
    next = SubmitField("Next")


class AttachmentsForm(FlaskForm):
    files = MultipleFileField("Clinical Attachments")
    upload = SubmitField("Upload Files")
    next = SubmitField("Next")


class ReviewForm(FlaskForm):
    submit = SubmitField("Submit Referral")


class DecisionForm(FlaskForm):
    decision = SelectField("Decision", choices=choices([("approved", "Approve"), ("modified", "Modify units"),
                                                        ("denied", "Deny")]))
    approved_units = IntegerField("Approved Units", validators=[Optional(), NumberRange(min=0, max=999)])
    reason = TextAreaField("Decision Description", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Save Decision")


class VoidForm(FlaskForm):
    submit = SubmitField("Void Referral")

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

STATUS_CHOICES = [("", "All Statuses"), ("in_progress", "In Progress"),
                  ("check_pending", "Check Pending"), ("finalized", "Finalized"), ("original", "Original Claim")]
MEMBER_ID_LABEL = "Member ID (also called CIN)"


def _check_range(form, date_from, date_to, longest_days: int = 366) -> bool:
    if not (date_from.data and date_to.data):
        (date_from if not date_from.data else date_to).errors.append("Enter both dates of the range (From and To).")
        return False
    if date_to.data < date_from.data:
        date_to.errors.append("The To date must be on or after the From date.")
        return False
    if (date_to.data - date_from.data).days > longest_days:
        date_to.errors.append("Search at most one year at a time.")
        return False
    return True


class ClaimSearchForm(FlaskForm):
    claim_number = StringField("Claim #", validators=[Optional(), Length(max=20)])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    date_type = SelectField("Type of Date", choices=[("service", "Date of Service"), ("paid", "Paid Date")], default="service")
    status = SelectField("Status", choices=STATUS_CHOICES, default="")
    member_id = StringField("Member ID (CIN)", validators=[Optional(), Length(max=20)])
    denied_only = BooleanField("Denied claims only")
    submit = SubmitField("Find Claims")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.claim_number.data:
            return True
        if not (self.date_from.data and self.date_to.data):
            message = "Enter a Claim #, or a date range (From and To)."
            (self.date_from if not self.date_from.data else self.date_to).errors.append(message)
            return False
        return _check_range(self, self.date_from, self.date_to)


class MemberSearchForm(FlaskForm):
    search_by = RadioField("Search by", choices=[("member_id", "Member ID"), ("name", "Name")], default="member_id")
    member_id = StringField(MEMBER_ID_LABEL, validators=[Optional(), Length(max=20)])
    name = StringField("Member Name", validators=[Optional(), Length(max=120)])
    date_of_birth = DateField("Date of Birth", validators=[Optional()])
    city = StringField("City", validators=[Optional(), Length(max=100)])
    submit = SubmitField("Search")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        by_name = self.search_by.data == "name" or (not self.member_id.data and self.name.data)
        if not by_name:
            if self.member_id.data:
                return True
            self.member_id.errors.append("Enter a Member ID, or choose Name and enter a Member Name with a Date of Birth or City.")
            return False
        if not self.name.data:
            self.name.errors.append("Enter the Member Name, with a Date of Birth or City.")
            return False
        if not (self.date_of_birth.data or self.city.data):
            self.date_of_birth.errors.append("With a Member Name, also enter the Date of Birth or the City.")
            return False
        return True


class EligibilityForm(FlaskForm):
    search_by = RadioField("Find the member by", choices=[("member_id", "Member ID"), ("name", "Name and Date of Birth")],
                           default="member_id")
    member_id = StringField(MEMBER_ID_LABEL, validators=[Optional(), Length(max=20)])
    name = StringField("Member Name", validators=[Optional(), Length(max=120)])
    date_of_birth = DateField("Date of Birth", validators=[Optional()])
    service_date = DateField("Date of Service", validators=[Optional()])
    submit = SubmitField("Check Eligibility")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        ok = True
        if self.search_by.data == "name":
            if not self.name.data:
                self.name.errors.append("Enter the Member Name.")
                ok = False
            if not self.date_of_birth.data:
                self.date_of_birth.errors.append("Enter the Date of Birth.")
                ok = False
        elif not self.member_id.data:
            self.member_id.errors.append("Enter the Member ID, or choose Name and Date of Birth.")
            ok = False
        if not self.service_date.data:
            self.service_date.errors.append("Enter the Date of Service.")
            ok = False
        return ok


class ReconciliationForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: a date range only, nothing changes

    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    submit = SubmitField("Show Payments")

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) and _check_range(self, self.date_from, self.date_to)


class Upload835Form(FlaskForm):
    file = FileField("835 file")
    submit = SubmitField("Compare 835")

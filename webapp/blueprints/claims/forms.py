from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

STATUS_CHOICES = [("", "All Statuses"), ("in_progress", "In Progress"),
                  ("check_pending", "Check Pending"), ("finalized", "Finalized")]


class ClaimSearchForm(FlaskForm):
    claim_number = StringField("Claim #", validators=[Optional(), Length(max=20)])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    date_type = SelectField("Type of Date", choices=[("service", "Date of Service"), ("paid", "Paid Date")], default="service")
    status = SelectField("Status", choices=STATUS_CHOICES, default="")
    member_id = StringField("Member ID (CIN)", validators=[Optional(), Length(max=20)])
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
        if self.date_to.data < self.date_from.data:
            self.date_to.errors.append("The To date must be on or after the From date.")
            return False
        if (self.date_to.data - self.date_from.data).days > 366:
            self.date_to.errors.append("Search at most one year at a time.")
            return False
        return True


class MemberSearchForm(FlaskForm):
    member_id = StringField("Member ID", validators=[Optional(), Length(max=20)])
    name = StringField("Member Name", validators=[Optional(), Length(max=120)])
    date_of_birth = DateField("Date of Birth", validators=[Optional()])
    city = StringField("City", validators=[Optional(), Length(max=100)])
    submit = SubmitField("Search")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.member_id.data:
            return True
        if not self.name.data:
            self.member_id.errors.append("Enter a Member ID, or a Member Name with a Date of Birth or City.")
            return False
        if not (self.date_of_birth.data or self.city.data):
            self.date_of_birth.errors.append("With a Member Name, also enter the Date of Birth or the City.")
            return False
        return True

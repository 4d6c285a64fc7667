from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired


class DashboardForm(FlaskForm):
    """A GET form (a Tax ID and dates are no PHI): no CSRF token needed."""

    class Meta:
        csrf = False

    tax_id = SelectField("Tax ID", validators=[InputRequired(message="Choose a Tax ID.")])
    date_from = DateField("From", validators=[InputRequired(message="Enter the From date.")])
    date_to = DateField("To", validators=[InputRequired(message="Enter the To date.")])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.date_to.data < self.date_from.data:
            self.date_to.errors.append("The To date must be on or after the From date.")
            return False
        if (self.date_to.data - self.date_from.data).days > 731:
            self.date_to.errors.append("Choose at most two years.")
            return False
        return True

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional


class ReportForm(FlaskForm):
    """A GET form (report type and provider are no PHI): no CSRF token needed."""

    class Meta:
        csrf = False

    report = SelectField("Report Type", validators=[InputRequired(message="Choose a Report Type.")])
    provider = SelectField("Provider", validators=[InputRequired(message="Choose a Provider.")])
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=100000)], default=1)


def report_form(args, report_types, providers) -> ReportForm:
    form = ReportForm(args)
    form.report.choices = [("", "Choose a report")] + [(r.key, r.name) for r in report_types.values()]
    form.provider.choices = [("", "Choose a provider")] + [(str(p.id), f"{p.name} (NPI {p.npi})") for p in providers]
    return form

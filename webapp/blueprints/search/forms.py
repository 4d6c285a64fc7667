from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SearchField
from wtforms.validators import Length, NumberRange, Optional

SORTS = [("relevance", "Best match"), ("date", "Newest first")]


class SearchForm(FlaskForm):
    """The results page's query and filters. Sent by POST: a query may be a member ID, a claim
    number or a patient's name, and PHI never goes into URLs (or the access log)."""

    q = SearchField("Search cases and messages", validators=[Optional(), Length(max=5000)])
    kind = HiddenField()
    type = HiddenField()
    status = HiddenField()
    category = HiddenField()
    queue = HiddenField()
    date_from = DateField("Updated from", validators=[Optional()])
    date_to = DateField("Updated to", validators=[Optional()])
    sort = HiddenField("Sort by", default="relevance")  # rendered as a <select> of SORTS
    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=500)])

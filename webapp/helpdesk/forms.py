from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from webapp.helpdesk.ratings import SCORES


class RatingForm(FlaskForm):
    score = RadioField("How satisfied are you with the answer?",
                       choices=[(str(k), f"{k} - {v}") for k, v in SCORES.items()], validate_choice=False)
    comment = TextAreaField("Comment (optional)")
    submit = SubmitField("Send Rating")


class MergeForm(FlaskForm):
    target = StringField("Merge into")
    submit = SubmitField("Merge")


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only reads

    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    submit = SubmitField("Show")

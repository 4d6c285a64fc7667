from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length


class PhoneCheckForm(FlaskForm):
    decision = RadioField("Decision", choices=[SelectChoice("approve", "Approve"), SelectChoice("reject", "Reject")],
                          validators=[InputRequired("Choose Approve or Reject.")])
    note = TextAreaField("Note", validators=[
        DataRequired("Write a note: who you called, at which number, and what they confirmed."),
        Length(max=500, message="Keep the note to 500 characters.")])
    submit = SubmitField("Save decision")

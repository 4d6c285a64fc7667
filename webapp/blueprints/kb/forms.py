from flask_wtf import FlaskForm
from wtforms import DateField, SearchField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from webapp.models import Audience


class ArticleForm(FlaskForm):
    title = StringField("Title")
    body = TextAreaField("Article text (Markdown)")
    category = SelectField("Category", validate_choice=False)
    audience = SelectField("Who may read it", choices=[(a.value, a.label) for a in Audience],
                           validate_choice=False)
    review_on = DateField("Review date", validators=[Optional()])
    submit = SubmitField("Save Article")


class ArticleSearchForm(FlaskForm):
    q = SearchField("Search help articles")
    submit = SubmitField("Search")

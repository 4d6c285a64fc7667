"""Case forms. The create form is built from the case type catalogue, so new types need no code."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from webapp.blueprints.cases.case_types import CASE_TYPES, CHOICE, EMAIL, LONG_TEXT, CaseType
from webapp.models import CaseStatus

TYPE_LABEL = "Select the type of case"


class CaseTypeForm(FlaskForm):
    """The first step of Create Case (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    type = SelectField(TYPE_LABEL, validate_choice=False)
    submit = SubmitField("Continue")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = [SelectChoice("", "Choose a type")] + [
            SelectChoice(t.slug, t.label) for t in CASE_TYPES.values()]


def case_form_class(case_type: CaseType) -> type[FlaskForm]:
    """A form class with one field per catalogue field; the rules live in services."""
    attrs = {}
    for spec in case_type.fields:
        if spec.kind == CHOICE:
            attrs[spec.name] = SelectField(spec.label, validate_choice=False,
                                           choices=[SelectChoice("", f"Choose the {spec.label}")]
                                           + [SelectChoice(c, c) for c in spec.choices])
        elif spec.kind == LONG_TEXT:
            attrs[spec.name] = TextAreaField(spec.label)
        elif spec.kind == EMAIL:
            attrs[spec.name] = StringField(spec.label, render_kw={"type": "email"})
        else:
            attrs[spec.name] = StringField(spec.label)
    attrs["find_help"] = SubmitField("Find help articles")  # the Subject's suggestions, without JavaScript
    attrs["submit"] = SubmitField("Save")
    return type(f"{case_type.slug.title()}CaseForm", (FlaskForm,), attrs)


COMMENT_MAX = 4000


def comment_text(form, field) -> None:
    """Not blank, and at most COMMENT_MAX characters once the spaces around it are trimmed."""
    text = (field.data or "").strip()
    if not text:
        raise StopValidation("Enter the Comment")
    if len(text) > COMMENT_MAX:
        raise ValidationError(f"Comment must be {COMMENT_MAX} characters or fewer")


class CommentForm(FlaskForm):
    comment = TextAreaField("Comment", validators=[comment_text])
    internal = BooleanField("Internal note")
    submit = SubmitField("Save")


class AttachForm(FlaskForm):
    files = MultipleFileField("Upload Files")
    submit = SubmitField("Save")


STATUS_CHOICES = [(s.value, s.label) for s in CaseStatus]

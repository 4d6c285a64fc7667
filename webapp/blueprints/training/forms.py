from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from webapp.models import TrainingModule


class QuizBase(FlaskForm):
    submit = SubmitField("Submit answers")


def quiz_form(module: TrainingModule, **kwargs) -> FlaskForm:
    """One radio group per question of the module (q0, q1, ...)."""

    class QuizForm(QuizBase):
        pass

    for index, question in enumerate(module.quiz or []):
        setattr(QuizForm, f"q{index}", RadioField(
            question["question"], coerce=int, choices=[SelectChoice(i, text) for i, text in enumerate(question["choices"])],
            validators=[InputRequired(message=f"Choose an answer to question {index + 1}.")]))
    return QuizForm(**kwargs)


def answers_of(form: FlaskForm, module: TrainingModule) -> dict[int, int | None]:
    return {index: getattr(form, f"q{index}").data for index in range(len(module.quiz or []))}


class ModuleForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=200)])
    pass_mark = IntegerField("Pass mark (percent)", validators=[
        InputRequired("Enter a pass mark from 1 to 100."), NumberRange(1, 100, "Enter a pass mark from 1 to 100.")])
    pages = TextAreaField("Pages", validators=[DataRequired("Write at least one page."), Length(max=50_000)])
    quiz = TextAreaField("Quiz", validators=[DataRequired("Write at least one question."), Length(max=20_000)])
    submit = SubmitField("Save module")

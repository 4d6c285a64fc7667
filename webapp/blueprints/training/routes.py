from datetime import datetime

from flask import abort, current_app, flash, g, request, session, url_for
from flask_login import current_user, login_required

from webapp import audit
from webapp.blueprints.training import bp, services
from webapp.blueprints.training.forms import ModuleForm, answers_of, quiz_form
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page
from webapp.models import TrainingModule

# What a user whose training is due may still open: the training, My Profile, Sign Out, Help.
OPEN_WHILE_DUE = {"training.overview", "training.page", "training.quiz", "static"}
OPEN_BLUEPRINTS_WHILE_DUE = {"auth", "profile", "support", "terms"}  # terms: its own gate comes first


# The session cookie's copy of the user's valid training pass: [user id, taken at (ISO, UTC)].
PASS_KEY = "training_pass"


def _valid_days() -> int:
    return current_app.config["TRAINING_VALID_DAYS"]


def training_due() -> bool:
    """Whether the signed-in user must pass training first (worked out once per request)."""
    if "training_due" not in g:
        g.training_due = bool(current_app.config.get("TRAINING_REQUIRED", True)
                              and current_user.is_authenticated
                              and _due(current_user))
    return g.training_due


def _due(user) -> bool:
    """services.is_due, without its query on every page: the time of the pass that counts is kept
    in the (signed) session cookie while it is valid. It only ever says "not due": a pass never
    becomes valid again, and a later pass is found by the query when the kept one runs out."""
    valid_days, now = _valid_days(), utcnow_naive()
    if not services.needs_training(user):
        return False
    kept = session.get(PASS_KEY)
    if isinstance(kept, list) and len(kept) == 2 and kept[0] == user.id:
        try:
            if now < services.valid_until(datetime.fromisoformat(kept[1]), valid_days):
                return False
        except (TypeError, ValueError):
            pass
    passed = services.latest_pass(user)
    if passed is None or services.expires_at(passed, valid_days) <= now:
        session.pop(PASS_KEY, None)
        return True
    session[PASS_KEY] = [user.id, passed.taken_at.isoformat()]
    return False


@bp.before_app_request
def training_gate():
    endpoint = request.endpoint or ""
    if endpoint in OPEN_WHILE_DUE or endpoint.partition(".")[0] in OPEN_BLUEPRINTS_WHILE_DUE:
        return None
    if training_due():
        return redirect_to(url_for("training.overview"))
    return None


@bp.app_context_processor
def training_context():
    return {"training_due": training_due()}


@bp.before_request
@login_required
def signed_in_only():
    return None


def _own_module():
    module = services.module_for(current_user)
    if module is None:
        abort(404)  # plan staff take no provider training
    return module


@bp.route("/training")
def overview():
    module = _own_module()
    current = services.status_of(current_user, _valid_days())
    db.session.commit()  # a module created from the shipped text on first use
    return render_page("training/overview.html", module=module, training=current, due=training_due())


@bp.route("/training/page/<int:page_number>")
def page(page_number):
    module = _own_module()
    if not 1 <= page_number <= len(module.pages):
        abort(404)
    return render_page("training/page.html", module=module, number=page_number, page=module.pages[page_number - 1])


@bp.route("/training/quiz", methods=["GET", "POST"])
def quiz():
    module = _own_module()
    form = quiz_form(module)
    if form.validate_on_submit():
        result = services.grade(module, answers_of(form, module))
        services.record_attempt(current_user, module, result)
        audit.record_request("training.passed" if result.passed else "training.failed",
                             "training_module", module.id)
        db.session.commit()
        g.pop("training_due", None)
        if result.passed:
            flash(f"You passed the training with {result.score}%. Thank you.", "success")
            return redirect_to(url_for("training.overview"))
        return render_page("training/quiz.html", module=module, form=quiz_form(module, formdata=None),
                           result=result, status=200)
    status = 422 if form.errors else 200
    return render_page("training/quiz.html", module=module, form=form, result=None, status=status)


@bp.route("/training/office")
def office():
    if not (current_user.is_local_office_admin or current_user.is_admin):
        abort(404)
    rows = services.office_training(current_user, _valid_days())
    return render_page("training/office.html", rows=rows)


def _admin_only():
    if not current_user.is_admin:
        abort(404)


@bp.route("/training/modules")
def modules():
    _admin_only()
    found = services.all_modules()
    db.session.commit()
    return render_page("training/modules.html", modules=found)


@bp.route("/training/modules/<int:module_id>", methods=["GET", "POST"])
def edit_module(module_id):
    _admin_only()
    module = db.session.get(TrainingModule, module_id) or abort(404)
    form = ModuleForm()
    errors = {}
    if request.method == "GET":
        form.title.data, form.pass_mark.data = module.title, module.pass_mark
        form.pages.data = services.pages_to_text(module.pages)
        form.quiz.data = services.quiz_to_text(module.quiz)
    elif form.validate_on_submit():
        errors = services.update_module(module, title=form.title.data.strip(), pass_mark=form.pass_mark.data,
                                        pages_text=form.pages.data, quiz_text=form.quiz.data,
                                        editor=current_user)
        if not errors:
            audit.record_request("training.module_updated", "training_module", module.id)
            db.session.commit()
            flash(f"Saved “{module.title}”.", "success")
            return redirect_to(url_for("training.modules"))
        for name, messages in errors.items():
            getattr(form, name).errors = list(messages)
    status = 422 if form.errors or errors else 200
    return render_page("training/edit_module.html", module=module, form=form, status=status)

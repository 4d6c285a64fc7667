"""Submit a Claim and My Claims. Drafts are saved section by section (buttons) and, with htmx, on every
change; "Check and Submit Claim" scrubs the claim: clean -> accepted with a claim number, else rejected."""
from flask import abort, current_app, make_response, redirect, request, url_for
from flask_login import current_user, login_required

from webapp.audit import record_request
from webapp.blueprints.claims.services import money
from webapp.blueprints.submission import bp, rules, services
from webapp.blueprints.submission.forms import StartForm, submission_form
from webapp.blueprints.submission.scrubbing import LINE_FIELDS, LINE_LABELS, MAX_DIAGNOSES, MAX_LINES
from webapp.blueprints.submission.x837 import build_837p
from webapp.clock import utcnow, utcnow_naive
from webapp.extensions import db
from webapp.htmx import render_page
from webapp.models import SubmissionStatus
from webapp.providers.services import active_providers

SECTION_BUTTONS = {"save-providers": "providers", "save-member": "member", "save-diagnoses": "diagnoses",
                   "save-lines": "lines"}


def _provider_only():
    if not current_user.is_provider_user:
        abort(404)


def _submission_or_404(submission_id: int):
    _provider_only()
    submission = services.visible_submission(current_user, submission_id)
    if submission is None:
        abort(404)
    return submission


@bp.route("/claims/submissions")
@login_required
def my_claims():
    _provider_only()
    submissions = services.my_submissions(current_user)
    member_ids = {s.id: services.values_of(s).get("member_id", "") for s in submissions}
    return render_page("submission/my_claims.html", submissions=submissions, member_ids=member_ids,
                       start=StartForm())


@bp.route("/claims/submissions/new", methods=["POST"])
@login_required
def start():
    _provider_only()
    if not StartForm().validate():
        abort(400, description="The form expired. Please try again.")
    submission = services.new_draft(current_user)
    record_request("claim_submission.start", "claim_submission", submission.id)
    db.session.commit()
    return redirect(url_for("submission.edit", submission_id=submission.id), 303)


def _render(submission, form, *, status=200, saved_section=None, problems=None, block=None):
    problems = services.problems_of(submission) if problems is None else problems
    by_field = {}
    for problem in problems:
        by_field.setdefault(problem.field, []).append(problem.message)
    return render_page("submission/claim_form.html", block, submission=submission, form=form, problems=problems,
                       field_problems=by_field, saved_section=saved_section, max_lines=MAX_LINES,
                       max_diagnoses=MAX_DIAGNOSES, line_fields=LINE_FIELDS, line_labels=LINE_LABELS,
                       rules=rules.rules().values(), status=status, money=money,
                       timely_days=current_app.config["CLAIM_TIMELY_FILING_DAYS"])


@bp.route("/claims/submissions/<int:submission_id>", methods=["GET", "POST"])
@login_required
def edit(submission_id: int):
    submission = _submission_or_404(submission_id)
    providers = active_providers(current_user)
    if submission.status is SubmissionStatus.ACCEPTED:
        if request.method == "POST":
            abort(409, description="This claim was accepted and can no longer be changed.")
        return render_page("submission/accepted.html", submission=submission, claim=submission.claim, money=money)
    if request.method == "GET":
        form = submission_form(providers, services.values_of(submission))
        return _render(submission, form, saved_section=request.args.get("saved"))
    form = submission_form(providers)
    action = request.form.get("action", "")
    if not form.validate():
        if form.errors.get("csrf_token"):
            abort(400, description="The form expired. Please reload the page; your draft was saved earlier.")
        return _render(submission, form, status=422, problems=[], block="draft_status" if not action else None)
    services.save_values(submission, form.data, current_user)
    if action == "submit":
        config = current_app.config
        context = services.context_for(current_user, utcnow_naive().date(), config["CLAIM_TIMELY_FILING_DAYS"])
        problems = services.submit(submission, context, utcnow_naive())
        record_request("claim_submission.submit", "claim_submission", submission.id)
        db.session.commit()
        if problems:
            return _render(submission, form, status=422, problems=problems)
        return redirect(url_for("submission.edit", submission_id=submission.id), 303)
    record_request("claim_submission.save", "claim_submission", submission.id)
    db.session.commit()
    section = SECTION_BUTTONS.get(action)
    if section is None:  # htmx saving as the person types: only the status line comes back
        return _render(submission, form, saved_section="all", block="draft_status")
    return redirect(url_for("submission.edit", submission_id=submission.id, saved=section) + f"#{section}", 303)


@bp.route("/claims/submissions/<int:submission_id>/837")
@login_required
def download_837(submission_id: int):
    submission = _submission_or_404(submission_id)
    if submission.status is not SubmissionStatus.ACCEPTED:
        abort(404)
    config = current_app.config
    text = build_837p(services.claim_837_of(submission), payer_name=config["PLAN_NAME"],
                      payer_id=config["PLAN_PAYER_ID"], created=utcnow(), control_number=submission.id)
    record_request("claim_submission.download_837", "claim_submission", submission.id)
    db.session.commit()
    response = make_response(text)
    response.mimetype = "application/edi-x12"
    response.headers["Content-Disposition"] = f'attachment; filename="837P-{submission.claim.claim_number}.edi"'
    return response

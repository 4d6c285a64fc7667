"""Claims, payments, eligibility and members. Searches by member, name or claim number are POSTed:
PHI stays out of URLs (internal row ids in URLs are fine)."""
from datetime import date

from flask import abort, current_app, make_response, render_template, request
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from webapp.audit import commit_view, record_request
from webapp.blueprints.claims import bp, eligibility, reconciliation, remittance, services
from webapp.blueprints.claims.codes import code_book
from webapp.blueprints.claims.forms import (ClaimSearchForm, EligibilityForm, MemberSearchForm, ReconciliationForm,
                                            Upload835Form)
from webapp.blueprints.referrals.services import referrals_for_member
from webapp.clock import utcnow, utcnow_naive
from webapp.extensions import db
from webapp.htmx import render_page

PRESET_FIELDS = ("date_from", "date_to", "date_type", "status", "denied_only")
CLAIM_TABS = [("services", "Services"), ("member", "Member Info"), ("providers", "Providers"),
              ("diagnosis", "Diagnosis"), ("eob", "EOB")]
MEMBER_TABS = [("eligibility", "Eligibility"), ("conditions", "Condition History"), ("claims", "Claims History"),
               ("referrals", "Referrals"), ("labs", "Labs"), ("medications", "Medications")]
MAX_835_BYTES = 5 * 1024 * 1024


def _provider_only():
    if not current_user.is_provider_user:
        abort(404)


def _tab(choices) -> str:
    wanted = request.args.get("tab", "")
    return wanted if wanted in dict(choices) else choices[0][0]


@bp.route("/claims", methods=["GET", "POST"])
@login_required
def claim_search():
    _provider_only()
    # A link (Home's "Claims denied in the last 30 days") may preset the dates, type of date and
    # "Denied claims only" in the query string; never a Claim # or Member ID (no PHI in URLs).
    preset = request.method == "GET" and bool(request.args.get("date_from"))
    if preset:
        form = ClaimSearchForm(formdata=MultiDict(
            (name, value) for name, value in request.args.items(multi=True) if name in PRESET_FIELDS),
            meta={"csrf": False})
    else:
        form = ClaimSearchForm()
    results, status, ra_links = None, 200, {}
    if preset or form.is_submitted():
        if form.validate():
            criteria = services.ClaimSearch(
                claim_number=form.claim_number.data or "", date_from=form.date_from.data,
                date_to=form.date_to.data, date_type=form.date_type.data, status=form.status.data,
                member_id=form.member_id.data or "", denied_only=form.denied_only.data)
            # The audit row is committed before the search, not after: a commit expires every
            # loaded claim and the page would reload each one with a query of its own. (Not
            # after rendering either: on SQLite that would hold the write lock while rendering.)
            record_request("claim.search")
            db.session.commit()
            results = services.search_claims(current_user, criteria)
            ra_links = services.payment_ids_by_trace(results)
        else:
            status = 422
    return render_page("claims/claim_search.html", "search", form=form, results=results, ra_links=ra_links,
                       limit=services.RESULT_LIMIT, money=services.money, status=status)


@bp.route("/claims/<int:claim_id>")
@login_required
def claim_detail(claim_id: int):
    claim = services.visible_claim(current_user, claim_id)
    if claim is None:
        abort(404)
    claim = services.load_claim_details(claim)
    tab = _tab(CLAIM_TABS)
    record_request("claim.view", "claim", claim.id)
    commit_view()
    adjustments = [a for line in claim.lines for a in line.adjustments]
    payment_id = services.payment_ids_by_trace([claim]).get(claim.check_number)
    return render_page("claims/claim.html", "panel", claim=claim, tab=tab, tabs=CLAIM_TABS,
                       totals=remittance.claim_totals(claim), codes=code_book(adjustments), payment_id=payment_id,
                       member_info_allowed=services.may_see_member_information(current_user, claim.member),
                       money=services.money)


def _payment_or_404(payment_id: int):
    payment = services.visible_payment(current_user, payment_id)
    if payment is None:
        abort(404)
    return payment


@bp.route("/payments/<int:payment_id>")
@login_required
def remittance_advice(payment_id: int):
    payment = _payment_or_404(payment_id)
    advice = remittance.remittance_advice(payment)
    record_request("payment.view", "payment", payment.id)
    commit_view()
    adjustments = [a for claim in advice.claims for line in claim.lines for a in line.adjustments]
    return render_template("claims/remittance.html", advice=advice, payment=payment, codes=code_book(adjustments),
                           plan_name=current_app.config["PLAN_NAME"], plan_address=current_app.config["PLAN_ADDRESS"],
                           money=services.money)


@bp.route("/payments/<int:payment_id>/835")
@login_required
def download_835(payment_id: int):
    payment = _payment_or_404(payment_id)
    config = current_app.config
    text = remittance.build_835(remittance.remittance_advice(payment), payer_name=config["PLAN_NAME"],
                                payer_tax_id=config["PLAN_TAX_ID"], payer_address=config["PLAN_ADDRESS"],
                                payer_id=config["PLAN_PAYER_ID"], created=utcnow(), control_number=payment.id)
    record_request("payment.download_835", "payment", payment.id)
    db.session.commit()
    response = make_response(text)
    response.mimetype = "application/edi-x12"
    response.headers["Content-Disposition"] = f'attachment; filename="835-{payment.trace_number}.edi"'
    return response


def _reconciliation_context(form: ReconciliationForm):
    today = utcnow_naive().date()
    result = None
    if form.date_from.data or form.date_to.data:
        if form.validate():
            result = reconciliation.reconcile(current_user, form.date_from.data, form.date_to.data, today)
    return result


@bp.route("/payments/reconciliation", methods=["GET"])
@login_required
def reconciliation_page():
    _provider_only()
    form = ReconciliationForm(request.args)
    result = _reconciliation_context(form)
    status = 422 if any(f.errors for f in form) else 200
    return render_page("claims/reconciliation.html", "results", form=form, result=result,
                       upload=Upload835Form(), comparisons=None, upload_error=None, status=status,
                       labels=reconciliation.OUTCOME_LABELS, money=services.money)


@bp.route("/payments/reconciliation.csv")
@login_required
def reconciliation_csv():
    _provider_only()
    form = ReconciliationForm(request.args)
    if not form.validate():
        abort(422, description="Choose a date range (From and To) of at most one year.")
    result = reconciliation.reconcile(current_user, form.date_from.data, form.date_to.data, utcnow_naive().date())
    record_request("payment.reconciliation_csv")
    db.session.commit()
    response = make_response(reconciliation.reconciliation_csv(result))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="reconciliation-{form.date_from.data}-{form.date_to.data}.csv"')
    return response


@bp.route("/payments/reconciliation/835", methods=["POST"])
@login_required
def compare_835():
    _provider_only()
    upload = Upload835Form()
    form = ReconciliationForm(request.args)
    comparisons, error, status = None, None, 200
    upload.validate()  # CSRF only; the file is checked here
    file = request.files.get("file")
    if upload.errors.get("csrf_token"):
        error, status = "The form expired. Please choose the file again.", 400
    elif file is None or not file.filename:
        error, status = "Choose an 835 file to compare.", 422
    else:
        data = file.read(MAX_835_BYTES + 1)
        if len(data) > MAX_835_BYTES:
            error, status = "The file is larger than 5 MB; an 835 of one payment is much smaller.", 422
        else:
            try:
                payments = remittance.read_835(data.decode("ascii"))
            except UnicodeDecodeError:
                error, status = "This is not an 835 file: it holds characters an X12 file cannot have.", 422
            except remittance.Malformed835 as exc:
                error, status = f"The 835 file could not be read. It failed at {exc.segment}: {exc.message}.", 422
            else:
                comparisons = reconciliation.compare_835(current_user, payments)
                record_request("payment.compare_835")
                db.session.commit()
    upload.file.errors = [error] if error else []
    return render_page("claims/reconciliation.html", "comparison", form=form, result=None, upload=upload,
                       comparisons=comparisons, upload_error=error, status=status,
                       labels=reconciliation.OUTCOME_LABELS, money=services.money)


@bp.route("/eligibility", methods=["GET", "POST"])
@login_required
def eligibility_check():
    _provider_only()
    form = EligibilityForm()
    if request.method == "GET" and not form.service_date.data:
        form.service_date.data = utcnow_naive().date()
    result, check, candidates, not_found, status = None, None, [], False, 200
    if form.is_submitted():
        if form.validate():
            by_name = form.search_by.data == "name"
            members = eligibility.find_members(
                current_user, member_id="" if by_name else form.member_id.data,
                name=form.name.data or "" if by_name else "", date_of_birth=form.date_of_birth.data)
            if len(members) == 1:
                result = eligibility.eligibility_result(members[0], form.service_date.data)
                check = eligibility.record_check(current_user, members[0], form.service_date.data, result)
                record_request("eligibility.check", "eligibility_check", check.id)
                db.session.commit()
            elif members:
                candidates = members
            else:
                not_found = True
        else:
            status = 422
    return render_page("claims/eligibility.html", "check", form=form, result=result, check=check,
                       not_found=not_found, candidates=candidates, history=eligibility.checks_of(current_user),
                       money=services.money, status=status)


@bp.route("/eligibility/checks/<int:check_id>")
@login_required
def eligibility_result(check_id: int):
    _provider_only()
    check = eligibility.visible_check(current_user, check_id)
    if check is None:
        abort(404)
    record_request("eligibility.view", "eligibility_check", check.id)
    commit_view()
    return render_template("claims/eligibility_result.html", check=check, result=eligibility.result_of(check),
                           money=services.money)


@bp.route("/members", methods=["GET", "POST"])
@login_required
def member_search():
    _provider_only()
    form = MemberSearchForm()
    results, status = None, 200
    if form.is_submitted():
        if form.validate():
            by_name = form.search_by.data == "name" or not form.member_id.data
            results = services.search_members(
                current_user, member_id="" if by_name else form.member_id.data,
                name=form.name.data or "" if by_name else "",
                date_of_birth=form.date_of_birth.data if by_name else None,
                city=form.city.data or "" if by_name else "")
            record_request("member.search")
            db.session.commit()
        else:
            status = 422
    return render_page("claims/member_search.html", "search", form=form, results=results,
                       limit=services.RESULT_LIMIT, status=status)


@bp.route("/members/<int:member_pk>")
@login_required
def member_detail(member_pk: int):
    member = services.visible_member(current_user, member_pk)
    if member is None:
        abort(404)
    tab = _tab(MEMBER_TABS)
    context = dict(member=member, tab=tab, tabs=MEMBER_TABS, money=services.money)
    if tab == "eligibility":
        context["today_coverage"] = eligibility.coverage_on(member, utcnow_naive().date())
    elif tab == "conditions":
        context["conditions"] = services.condition_history(current_user, member)
    elif tab == "claims":
        context["claims"] = services.claims_of_member(current_user, member)
    elif tab == "referrals":
        context["referrals"] = referrals_for_member(member.id, current_user)
    record_request("member.view", "member", member.id)
    commit_view()
    return render_page("claims/member.html", "panel", **context)


@bp.app_template_filter("us_date")
def us_date(value) -> str:
    """A date (or its ISO text, as kept in eligibility results) as MM/DD/YYYY."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%m/%d/%Y")

"""Referral pages. Searches are POSTed (a CIN is PHI); every section of Submit a Referral saves the
draft on the server before going on, so a dropped connection loses at most the page being typed."""
from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, request, url_for
from flask_login import current_user, login_required

from webapp.audit import commit_view, record_request
from webapp.blueprints.attachments.services import attach, files_of, register_owner, stored_path
from webapp.blueprints.attachments.uploads import receive_posted, upload_limits
from webapp.blueprints.referrals import bp, services
from webapp.blueprints.referrals.forms import (AboutForm, AttachmentsForm, CodeSearchForm, DateSearchForm,
                                               DecisionForm, MedicalForm, ReferredForm, ReferringForm, ReviewForm,
                                               VoidForm, choices)
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.helpdesk import live
from webapp.htmx import redirect_to, render_page
from webapp.mailer import deliver_pending
from webapp.models import ReferralStatus
from webapp.providers.services import active_providers
from webapp.security import visible_text

MAX_ID = 2**63 - 1
TABS = {"services": "Services", "member": "Member Info", "providers": "Providers", "diagnosis": "Diagnosis",
        "attachments": "Attachments"}


@bp.record_once
def _register_file_owner(_state):
    register_owner("referral", services.can_view_referral)


@bp.app_context_processor
def _um_queue_link():
    return {"holds_um_queue": current_user.is_authenticated and services.holds_um_queue(current_user)}


def _provider_user_only():
    if not current_user.is_provider_user:
        abort(404)


def _today() -> date:
    """Today where the user is (a Request Date is the office's today, not UTC's)."""
    try:
        zone = ZoneInfo(current_user.time_zone or "America/New_York")
    except (KeyError, ValueError):
        zone = ZoneInfo("America/New_York")
    return utcnow().astimezone(zone).date()


def _deliver_mail() -> None:
    try:
        deliver_pending()
    except Exception:  # noqa: BLE001 - the outbox keeps it; the retry worker sends it later
        current_app.logger.warning("mail delivery deferred")


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def _text_form(form_class, **kwargs):
    """A form that reads text fields only: a file part sent for a text field is ignored, not a 500."""
    if request.method == "POST":
        kwargs["formdata"] = request.form
    return form_class(**kwargs)


def _common() -> dict:
    return dict(services=services, sections=services.SECTIONS, today=_today(),
                far_miles=current_app.config["REFERRAL_FAR_MILES"],
                valid_days=current_app.config["REFERRAL_VALID_DAYS"])


# --- search and detail ------------------------------------------------------------------------

@bp.route("/referrals", methods=["GET", "POST"])
@login_required
def search():
    _provider_user_only()
    by = "code" if request.args.get("by") == "code" else "date"
    form = _text_form(CodeSearchForm if by == "code" else DateSearchForm)
    results, status = None, 200
    if form.is_submitted():
        if form.validate():
            if by == "code":
                criteria = services.ReferralSearch(code=form.code.data)
            else:
                criteria = services.ReferralSearch(date_from=form.date_from.data, date_to=form.date_to.data,
                                                   date_type=form.date_type.data, status=form.status.data,
                                                   member_id=form.member_id.data or "")
            results = services.search_referrals(current_user, criteria)
            record_request("referral.search")
            db.session.commit()
        else:
            status = 422
    return render_page("referrals/search.html", "search", form=form, by=by, results=results,
                       limit=services.RESULT_LIMIT, drafts=services.drafts_of(current_user), status=status)


def _referral_or_404(referral_id: int):
    referral = services.visible_referral(current_user, referral_id) if _int(referral_id) else None
    if referral is None:
        abort(404)
    return referral


def _decision_forms(referral) -> dict:
    if not (services.holds_um_queue(current_user) and referral.status == ReferralStatus.PENDING):
        return {}
    forms = {}
    for service in referral.services:
        form = _text_form(DecisionForm, prefix=f"service-{service.id}")
        form.decision.label.text = f"Decision for CPT {service.cpt}"
        form.approved_units.label.text = f"Approved Units for CPT {service.cpt}"
        form.reason.label.text = f"Decision Description for CPT {service.cpt}"
        forms[service.id] = form
    return forms


def _render_detail(referral, status: int = 200, decision_forms=None, tab: str | None = None):
    tab = tab if tab in TABS else request.args.get("tab", "services")
    if tab not in TABS:
        tab = "services"
    can_void = current_user.is_provider_user and referral.status == ReferralStatus.PENDING
    return render_page("referrals/detail.html", "tab_panel", referral=referral, tab=tab, tabs=TABS,
                       files=files_of("referral", referral.id), decision_forms=decision_forms or _decision_forms(referral),
                       void_form=_text_form(VoidForm) if can_void else None, answers=_answers, status=status, **_common())


def _answers(service) -> list[tuple[str, str]]:
    info = services.service_info(service.referral.referral_type, service.cpt) or {}
    given = json.loads(service.answers) if service.answers else {}
    return [(q["question"], given.get(q["id"], "")) for q in info.get("questionnaire", [])]


@bp.route("/referrals/<int:referral_id>")
@login_required
def detail(referral_id: int):
    referral = _referral_or_404(referral_id)
    record_request("referral.view", "referral", referral.id)
    if current_user.is_agent:
        live.touch(current_user, "referral", referral.id)  # read: no longer news in the inbox
    commit_view()
    return _render_detail(referral)


@bp.route("/referrals/<int:referral_id>/void", methods=["POST"])
@login_required
def void(referral_id: int):
    _provider_user_only()
    referral = _referral_or_404(referral_id)
    form = _text_form(VoidForm)
    if not form.validate_on_submit():
        abort(400)
    problem = services.void(referral)
    if problem:
        flash(problem, "error")
        return redirect_to(url_for("referrals.detail", referral_id=referral.id))
    record_request("referral.void", "referral", referral.id)
    db.session.commit()
    flash(f"Referral {referral.code} is void.", "success")
    return redirect_to(url_for("referrals.detail", referral_id=referral.id))


# --- Utilization Management ---------------------------------------------------------------------

def _um_only():
    if not services.holds_um_queue(current_user):
        abort(404)


@bp.route("/utilization-management")
@login_required
def um_queue():
    if not current_user.reads_all_queues:  # supervisors read every queue
        _um_only()
    return render_page("referrals/queue.html", pending=services.um_worklist(), decided=services.recently_decided())


@bp.route("/referrals/<int:referral_id>/services/<int:service_id>/decision", methods=["POST"])
@login_required
def decide(referral_id: int, service_id: int):
    if current_user.is_supervisor:
        _referral_or_404(referral_id)  # a missing referral is a 404 for everyone
        abort(403)  # supervisors read every queue; deciding is for the queue's agents
    _um_only()
    referral = _referral_or_404(referral_id)
    service = next((s for s in referral.services if s.id == service_id), None)
    if service is None:
        abort(404)
    forms = _decision_forms(referral)
    form = forms.get(service.id)
    if form is None:
        flash("This referral is no longer pending.", "error")
        return redirect_to(url_for("referrals.detail", referral_id=referral.id))
    if not form.validate():
        return _render_detail(referral, 422, forms, tab="services")
    errors = services.decide_service(referral, service, current_user, decision=form.decision.data,
                                     approved_units=form.approved_units.data, reason=form.reason.data or "",
                                     today=_today(), valid_days=current_app.config["REFERRAL_VALID_DAYS"],
                                     notify_link=current_app.config["PUBLIC_BASE_URL"]
                                     + url_for("referrals.detail", referral_id=referral.id))
    if errors:
        for name, message in errors.items():
            getattr(form, name).errors = [message]
        db.session.rollback()
        return _render_detail(referral, 422, forms, tab="services")
    record_request("referral.decide", "referral", referral.id)
    db.session.commit()
    _deliver_mail()
    flash(f"Decision saved for CPT {service.cpt}." + (
        f" Referral {referral.code} is {referral.status.label}." if referral.status != ReferralStatus.PENDING else ""),
        "success")
    return redirect_to(url_for("referrals.detail", referral_id=referral.id))


# --- Submit a Referral ------------------------------------------------------------------------

def _draft_or_404(draft_id: int):
    draft = services.draft_of(current_user, draft_id) if _int(draft_id) else None
    if draft is None:
        abort(404)
    return draft


def _section_url(draft, section: int) -> str:
    return url_for("referrals.section", draft_id=draft.id, section=section)


def _fill_about(form: AboutForm, members) -> None:
    form.referral_type.choices = choices((key, rule["label"]) for key, rule in services.referral_types().items())
    form.member.choices = choices((m.id, m.full_name) for m in members)


def _about(draft):
    """Section 1 (also the start of a new referral, when `draft` is None)."""
    form = _text_form(AboutForm)
    members, errors = [], {}
    if request.method == "GET" and draft is not None:
        form.referral_type.data, form.member.data, form.member_zip.data = (
            draft.referral_type, draft.member_id, draft.member_zip)
        members = [draft.member]
        form.member_query.data = draft.member.member_id
    elif form.is_submitted():
        form.validate()
        if form.member_query.data and "member_query" not in form.errors:
            members = services.find_members(current_user, form.member_query.data)
            if not members and form.find_member.data:
                errors["member_query"] = "No member you may see matches this Name or Member ID."
        chosen = _int(form.member.data)
        if chosen and chosen not in {m.id for m in members}:
            members += [m for m in [services.visible_member(current_user, chosen)] if m is not None]
        if form.next.data and not form.errors:
            saved, errors = services.save_about(current_user, draft, referral_type=form.referral_type.data or "",
                                                member_pk=chosen, member_zip=form.member_zip.data or "",
                                                today=_today())
            if not errors:
                record_request("referral.draft", "referral", None)
                db.session.commit()
                return redirect_to(_section_url(saved, 2))
            db.session.rollback()
    _fill_about(form, members)
    for name, message in errors.items():
        getattr(form, name).errors = [message]
    status = 422 if (form.is_submitted() and (errors or form.errors)) else 200
    return render_page("referrals/submit_about.html", "section", form=form, draft=draft, members=members,
                       drafts=services.drafts_of(current_user) if draft is None else [], section=1,
                       status=status, **_common())


@bp.route("/referrals/new", methods=["GET", "POST"])
@login_required
def new():
    _provider_user_only()
    if not active_providers(current_user):
        flash("No provider is active in your collection yet, so referrals cannot be submitted.", "warning")
        return redirect_to(url_for("main.home"))
    return _about(None)


@bp.route("/referrals/drafts/<int:draft_id>/delete", methods=["POST"])
@login_required
def delete_draft(draft_id: int):
    _provider_user_only()
    draft = _draft_or_404(draft_id)
    if not _text_form(ReviewForm).validate_on_submit():
        abort(400)
    removed = files_of("referral", draft.id)
    for stored in removed:
        db.session.delete(stored)
    db.session.delete(draft)
    db.session.commit()
    _unlink(removed)
    flash("The draft referral was discarded.", "success")
    return redirect_to(url_for("referrals.new"))


@bp.route("/referrals/drafts/<int:draft_id>/<int:section>", methods=["GET", "POST"])
@login_required
def section(draft_id: int, section: int):
    _provider_user_only()
    draft = _draft_or_404(draft_id)
    if not 1 <= section <= 6:
        abort(404)
    if section > services.next_section(draft):
        # Sections go in order: finish the earlier one first.
        return redirect_to(_section_url(draft, services.next_section(draft)))
    handler = {1: _about, 2: _referring, 3: _referred, 4: _medical, 5: _attachments, 6: _review}[section]
    return handler(draft)


def _referring(draft):
    providers = active_providers(current_user)
    form = _text_form(ReferringForm)
    form.referring_provider.choices = choices((p.id, p.name) for p in providers)
    errors = {}
    if request.method == "GET":
        form.referring_provider.data = draft.referring_provider_id
    elif form.validate():
        errors = services.save_referring_provider(current_user, draft, _int(form.referring_provider.data))
        if not errors:
            db.session.commit()
            return redirect_to(_section_url(draft, 3))
    for name, message in errors.items():
        getattr(form, name).errors = [message]
    profiles = {p.id: services.network_profile(p) for p in providers}
    return render_page("referrals/submit_referring.html", form=form, draft=draft, providers=providers,
                       profiles=profiles, section=2, status=422 if errors or form.errors else 200, **_common())


def _referred(draft):
    form = _text_form(ReferredForm)
    far_miles = current_app.config["REFERRAL_FAR_MILES"]
    matches, errors = [], {}
    query = form.provider_query.data if form.is_submitted() else ""
    if form.is_submitted():
        form.validate()
        if query:
            matches = services.search_network_providers(query, draft.member, draft.member_zip, _today(), far_miles)
            if not matches and form.search.data:
                errors["provider_query"] = "No contracted provider who sees this member matches your search."
        if form.next.data and not form.errors:
            errors = services.save_referred_provider(draft, _int(form.referred_provider.data), _today(), far_miles)
            if not errors:
                db.session.commit()
                return redirect_to(_section_url(draft, 4))
    elif draft.referred_provider is not None:
        form.referred_provider.data = draft.referred_provider_id
        form.provider_query.data = draft.referred_provider.provider_code
        matches = services.search_network_providers(draft.referred_provider.provider_code, draft.member,
                                                    draft.member_zip, _today(), far_miles)
    form.referred_provider.choices = choices((m.provider.id, m.provider.name) for m in matches)
    for name, message in errors.items():
        getattr(form, name).errors = [message]
    status = 422 if (errors or form.errors) else 200
    return render_page("referrals/submit_referred.html", "section", form=form, draft=draft, matches=matches,
                       section=3, status=status, **_common())


def _fill_medical(form: MedicalForm, draft, icd_matches) -> None:
    form.priority.choices = choices(services.PRIORITIES.items())
    form.place_of_service.choices = choices([("", "Choose a Place of Service")] + [
        (p["code"], p["label"]) for p in services.places_of_service()])
    catalog = services.service_catalog(draft.referral_type)
    options = choices([("", "Select a Service")] + [
        (s["cpt"], f"{s['cpt']} {s['description']}" + ("" if s.get("referral_required", True)
                                                       else " (no referral required)"),
         {} if s.get("referral_required", True) else {"disabled": True, "class": "not-required"})
        for s in catalog])
    for row in form.services:
        row.cpt.choices = options
        row.cpt.label.text = "Service (CPT)"
    form.icd_choice.choices = choices((code, f"{code} {description}") for code, description in icd_matches)


def _medical_info(form: MedicalForm, referral_type: str, icd_codes: list[str]) -> services.MedicalInfo:
    lines = []
    for index, row in enumerate(form.services):
        cpt = (row.cpt.data or "").strip()
        info = services.service_info(referral_type, cpt) if cpt else None
        answers = {}
        for question in (info or {}).get("questionnaire", []):
            answers[question["id"]] = visible_text(request.form.get(f"services-{index}-answer-{question['id']}", ""))[:500].strip()
        units = row.units.data if not row.units.errors else None
        lines.append(services.ServiceLine(cpt=cpt[:5], units=units, answers=answers))
    return services.MedicalInfo(
        priority=form.priority.data or "", request_date=form.request_date.data,
        service_date=form.service_date.data, place_of_service=form.place_of_service.data or "",
        services=lines, icd_codes=icd_codes, clinical_indications=(form.clinical_indications.data or "").strip())


def _medical(draft):
    form = _text_form(MedicalForm)
    today = _today()
    icd_matches, errors = [], {}
    if request.method == "GET":
        info = services.medical_info_of(draft)
        form.priority.data = info.priority or "routine"
        form.request_date.data = info.request_date or today
        form.service_date.data = info.service_date
        form.place_of_service.data = info.place_of_service
        form.clinical_indications.data = info.clinical_indications
        while len(form.services) < max(len(info.services), 1):
            form.services.append_entry()
        for row, line in zip(form.services, info.services):
            row.cpt.data, row.units.data = line.cpt, line.units
        icd_codes = info.icd_codes
        answers = {i: line.answers for i, line in enumerate(info.services)}
    else:
        form.validate()
        icd_codes = [code for code in request.form.getlist("icd_codes") if code in services.icd_codes()]
        if form.add_icd.data and form.icd_choice.data in services.icd_codes():
            icd_codes.append(form.icd_choice.data)
        removed = request.form.get("remove_icd")
        if removed:
            icd_codes = [code for code in icd_codes if code != removed]
        if form.find_icd.data:
            icd_matches = services.find_icd(form.icd_query.data or "")
            if not icd_matches:
                errors["icd_query"] = "No ICD code matches this search."
        info = _medical_info(form, draft.referral_type, list(dict.fromkeys(icd_codes)))
        icd_codes = info.icd_codes
        answers = {i: line.answers for i, line in enumerate(info.services)}
        if form.add_service.data and len(form.services) < 20:
            form.services.append_entry()
        if form.next.data:
            errors = services.save_medical_info(draft, info, today)
            if not errors and not form.errors:
                db.session.commit()
                return redirect_to(_section_url(draft, 5))
        else:
            services.keep_medical_info(draft, info)
        db.session.commit()  # the draft keeps what was typed, complete or not
    _fill_medical(form, draft, icd_matches)
    field_errors = {}
    for name, message in errors.items():
        if hasattr(form, name) and name != "services":
            getattr(form, name).errors = [message]
        elif name.startswith("services-") and name.endswith(("-cpt", "-units")):
            index, part = int(name.split("-")[1]), name.rsplit("-", 1)[1]
            getattr(form.services[index], part).errors = [message]
        else:
            field_errors[name] = message
    status = 422 if (errors or form.errors) else 200
    return render_page("referrals/submit_medical.html", "section", form=form, draft=draft, icd_codes=icd_codes,
                       answers=answers, icd_matches=icd_matches, other_errors=field_errors, section=4,
                       status=status, **_common())


def _unlink(removed) -> None:
    """After the commit: the rows are gone, so are the bytes."""
    for stored in removed:
        stored_path(current_app.config["UPLOAD_DIR"], stored).unlink(missing_ok=True)


def _attachments(draft):
    form = AttachmentsForm()
    errors = []
    if form.is_submitted():
        if not form.validate():
            abort(400)
        removed = request.form.get("remove_file")
        if removed:
            gone = [stored for stored in files_of("referral", draft.id) if stored.public_id == removed]
            for stored in gone:
                db.session.delete(stored)
            db.session.commit()
            _unlink(gone)
            return redirect_to(_section_url(draft, 5))
        chosen = [f for f in request.files.getlist(form.files.name) if f and f.filename]
        existing = services.attachment_count(draft)
        problem = services.attachment_limit_error(existing, len(chosen))
        if problem:
            errors.append(problem)
        elif chosen:
            prepared = receive_posted(form.files, max_files=services.MAX_ATTACHMENTS - existing)
            if prepared is None:
                errors.extend(form.files.errors)
            else:
                attach(prepared, "referral", draft.id)
                db.session.commit()
        if not errors and form.next.data:
            services.finish_attachments(draft)
            db.session.commit()
            return redirect_to(_section_url(draft, 6))
        if not errors and form.upload.data and not chosen:
            errors.append("Choose one or more files first.")
        if not errors:
            return redirect_to(_section_url(draft, 5))
        form.files.errors = errors
    return render_page("referrals/submit_attachments.html", form=form, draft=draft,
                       files=files_of("referral", draft.id), section=5,
                       limits=upload_limits(services.MAX_ATTACHMENTS),
                       status=422 if errors else 200, **_common())


def _review(draft):
    form = _text_form(ReviewForm)
    problems = []
    if form.is_submitted():
        if not form.validate():
            abort(400)
        problems = services.submit(draft, _today())
        if not problems:
            record_request("referral.submit", "referral", draft.id)
            db.session.commit()
            flash(f"Referral {draft.code} was submitted to {draft.queue.name}.", "success")
            return redirect_to(url_for("referrals.detail", referral_id=draft.id))
        db.session.rollback()
    return render_page("referrals/submit_review.html", form=form, draft=draft, problems=problems,
                       files=files_of("referral", draft.id), answers=_answers, section=6,
                       status=422 if problems else 200, **_common())

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from webapp.audit import commit_view, record_request
from webapp.blueprints.attachments.services import discard, files_of
from webapp.blueprints.attachments.uploads import receive_posted, upload_limits
from webapp.blueprints.cases import bp, services
from webapp.blueprints.cases.case_types import case_type_of
from webapp.blueprints.cases.forms import (
    STATUS_CHOICES,
    AttachForm,
    CaseTypeForm,
    CommentForm,
    case_form_class,
)
from webapp.blueprints.search.services import draft_suggestions
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.helpdesk import live
from webapp.helpdesk.forms import MergeForm, RatingForm
from webapp.helpdesk.notices import notify_assignee
from webapp.helpdesk.ratings import can_rate
from webapp.htmx import redirect_to, render_page, wants_fragment
from webapp.mailer import deliver_pending
from webapp.models import CaseStatus, Queue
from webapp.queues.services import queue_by_slug, visible_queues

SORT_KEYS = ("number", "status", "date")


@bp.app_template_filter("user_time")
def user_time(value: datetime | None) -> str:
    """A stored (naive UTC) time in the signed-in user's time zone: 'Dec 6, 2017 3:22:17 PM EST'."""
    if value is None:
        return ""
    try:
        zone = ZoneInfo(getattr(current_user, "time_zone", None) or "America/New_York")
    except ZoneInfoNotFoundError:
        zone = ZoneInfo("America/New_York")
    local = value.replace(tzinfo=timezone.utc).astimezone(zone)
    # One strftime (a list shows 25 of these); day and hour without a leading zero.
    return local.strftime(f"%b {local.day}, %Y {local.hour % 12 or 12}:%M:%S %p %Z")


@bp.app_template_filter("case_owner")
def case_owner(case) -> str:
    return services.owner_name(case)


@bp.app_template_filter("case_type_label")
def case_type_label(case) -> str:
    case_type = case_type_of(case.case_type)
    return case_type.label if case_type else case.case_type


def _case_or_404(number: str):
    case = services.case_for(current_user, number)
    if case is None:
        abort(404)
    return case


def _reopen_days() -> int:
    return current_app.config["CASE_REOPEN_DAYS"]


def _live_context(case, comments) -> dict:
    """The live part of a case page (new comments without a reload, who else has it open)."""
    return live.page_context(current_user, "case", case, comments,
                             poll_url_for=lambda last: url_for("helpdesk.live_case", number=case.number,
                                                               after=last),
                             page_url=url_for(request.endpoint, number=case.number))


# --- Create Case ------------------------------------------------------------------------------

def _form_defaults(case_type) -> dict:
    providers = services.creatable_providers(current_user)
    known = {"user_email": current_user.email,
             "default_npi": providers[0].npi if providers else "",
             "payer_id": current_app.config["PLAN_PAYER_ID"]}
    return {spec.name: known.get(spec.default, "") for spec in case_type.fields if spec.default}


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def create():
    if not current_user.is_provider_user:
        abort(403)
    type_form = CaseTypeForm(request.args)
    case_type = case_type_of(request.args.get("type"))
    follow_up_number = request.args.get("follow_up") or None
    follow_up = _case_or_404(follow_up_number) if follow_up_number else None
    form, problems, status = None, [], 200
    if case_type is not None:
        form_class = case_form_class(case_type)
        if request.method == "POST" and form_class().find_help.data:
            # Nothing is checked or saved: the form again, with what may answer it.
            form = form_class()
            suggestions = draft_suggestions(current_user, form["subject"].data if "subject" in form else "", "case")
            return render_page("cases/new.html", type_form=type_form, case_type=case_type, form=form, problems=[],
                               follow_up=follow_up, suggestions=suggestions, **suggestions)
        if request.method == "POST":
            form = form_class()
            raw = {spec.name: form[spec.name].data for spec in case_type.fields}
            clean, errors = services.validate_case_input(
                case_type, raw, allowed_npis=services.allowed_npis(current_user),
                today=utcnow_naive().date())
            for name, message in errors.items():
                form[name].errors = [message]
            status = 422
            if not errors:
                case, refused = services.create_case(
                    current_user, case_type, clean, follow_up_of=follow_up,
                    limit=current_app.config["CASE_CREATE_LIMIT"],
                    window_minutes=current_app.config["CASE_CREATE_WINDOW_MINUTES"])
                if refused:
                    db.session.rollback()  # gives the drawn case number back
                    problems = list(refused.values())
                    status = 429 if services.RATE_LIMITED in refused else 422
                else:
                    db.session.flush()
                    record_request("case.create", "case", case.id)
                    db.session.commit()
                    flash(f"Case {case.number} was created. Its status is New and it is with "
                          f"{case.queue.name}.", "success")
                    return redirect_to(url_for("cases.view", number=case.number))
        else:
            form = form_class(formdata=None, data=_form_defaults(case_type))
    elif request.method == "POST":
        abort(400)
    response = render_page("cases/new.html", block="case_form", status=status, type_form=type_form,
                           case_type=case_type, form=form, problems=problems, follow_up=follow_up)
    if status == 429:
        response.headers["Retry-After"] = str(60 * current_app.config["CASE_CREATE_WINDOW_MINUTES"])
    return response


# --- Search and Comment (provider users) ------------------------------------------------------

def _list_args() -> dict:
    args = request.args
    status = args.get("status") or ""
    sort = args.get("sort") if args.get("sort") in SORT_KEYS else "date"
    direction = "asc" if args.get("dir") == "asc" else "desc"
    try:
        page = max(1, int(args.get("page", 1)))
    except ValueError:
        page = 1
    return {"status": status if status in CaseStatus._value2member_map_ else "",
            "sort": sort, "dir": direction, "page": page}


def _table_context(endpoint: str, fixed: dict, listing: dict, result) -> dict:
    state = {**fixed, **{k: v for k, v in listing.items() if v not in ("", None)}}

    def table_url(**changes):
        values = {**state, **changes}
        return url_for(endpoint, **{k: v for k, v in values.items() if v not in ("", None)})

    return {"result": result, "listing": listing, "table_url": table_url,
            "status_choices": STATUS_CHOICES, "fixed": fixed}


@bp.route("/cases")
@login_required
def search():
    if current_user.is_agent:
        return redirect(url_for("cases.work", **request.args))
    view = request.args.get("view") if request.args.get("view") in ("all", "mine", "number") else "all"
    number = (request.args.get("number") or "").strip()
    listing = _list_args()
    status = CaseStatus(listing["status"]) if listing["status"] else None
    result = None
    if view != "number" or number:
        result = services.search_cases(
            current_user, mine=view == "mine", number=number if view == "number" else None,
            status=status, sort=listing["sort"], direction=listing["dir"], page=listing["page"])
    fixed = {"view": view, "number": number if view == "number" else ""}
    return render_page("cases/search.html", block="case_table", view=view, number=number,
                       **_table_context("cases.search", fixed, listing, result))


# --- Cases by queue (agents) ------------------------------------------------------------------

@bp.route("/cases/queues")
@login_required
def work():
    if not current_user.is_agent:
        abort(404)
    queues = visible_queues(current_user)
    counts = services.queue_counts(current_user, queues)
    number = (request.args.get("number") or "").strip()
    listing = _list_args()
    status = CaseStatus(listing["status"]) if listing["status"] else None
    selected: Queue | None = None
    if number:
        result = services.search_cases(current_user, number=number, status=status,
                                       sort=listing["sort"], direction=listing["dir"],
                                       page=listing["page"])
    else:
        slug = request.args.get("queue")
        selected = next((q for q in queues if q.slug == slug), queues[0] if queues else None)
        if slug and (selected is None or selected.slug != slug):
            selected = queue_by_slug(slug) or abort(404)  # agents see every case, read-only
        result = services.search_cases(current_user, queue_id=selected.id, status=status,
                                       sort=listing["sort"], direction=listing["dir"],
                                       page=listing["page"]) if selected else None
    fixed = {"queue": selected.slug if selected else "", "number": number}
    return render_page("cases/work.html", block="case_table", queues=queues, counts=counts,
                       selected=selected, number=number,
                       **_table_context("cases.work", fixed, listing, result))


# --- The case page ----------------------------------------------------------------------------

@bp.route("/cases/<number>")
@login_required
def view(number: str):
    case = _case_or_404(number)
    record_request("case.view", "case", case.id)
    live.touch(current_user, "case", case.id)
    commit_view()
    works = services.works_case(current_user, case)
    rateable = can_rate(current_user, "case", case)
    comments = services.comments_for(current_user, case)
    return render_page(
        "cases/case.html", case=case, field_rows=services.field_rows(case),
        comments=comments, files=files_of("case", case.id), **_live_context(case, comments),
        can_rate=rateable, rating_form=RatingForm(formdata=None) if rateable else None,
        merge_form=MergeForm(formdata=None) if works else None,  # both forms only where shown
        may_add=services.may_add_to(current_user, case, reopen_days=_reopen_days(), visible=True),
        works=works, status_choices=STATUS_CHOICES,
        queues=services.all_queues() if works else [], follow_ups=services.follow_ups_of(case),
        reopen_days=_reopen_days())


def _agent_change(number: str, change) -> object:
    case = _case_or_404(number)
    if not services.works_case(current_user, case):
        abort(403)
    message = change(case)
    db.session.commit()
    flash(message, "success")
    return redirect_to(url_for("cases.view", number=case.number))


@bp.route("/cases/<number>/assign", methods=["POST"])
@login_required
def assign(number: str):
    def change(case):
        services.assign_to(current_user, case)
        record_request("case.assign", "case", case.id)
        return "The case is assigned to you."
    return _agent_change(number, change)


@bp.route("/cases/<number>/status", methods=["POST"])
@login_required
def set_status(number: str):
    value = request.form.get("status", "")
    if value not in CaseStatus._value2member_map_:
        abort(400)

    def change(case):
        services.change_status(current_user, case, CaseStatus(value))
        record_request("case.status", "case", case.id)
        return f"Status changed to {CaseStatus(value).label}."
    return _agent_change(number, change)


@bp.route("/cases/<number>/queue", methods=["POST"])
@login_required
def move(number: str):
    queue = queue_by_slug(request.form.get("queue", ""))
    if queue is None:
        abort(400)

    def change(case):
        services.move_to_queue(current_user, case, queue)
        record_request("case.move", "case", case.id)
        return f"The case moved to {queue.name}."
    return _agent_change(number, change)


# --- Comment ----------------------------------------------------------------------------------

@bp.route("/cases/<number>/comment", methods=["GET", "POST"])
@login_required
def comment(number: str):
    case = _case_or_404(number)
    may_add = services.may_add_to(current_user, case, reopen_days=_reopen_days(), visible=True)
    form = CommentForm()
    status, saved, newer = 200, False, []
    if request.method == "POST":
        if not may_add:
            abort(403)
        seen = request.form.get("seen_comment_id", "")
        if current_user.is_agent and seen.isdigit() and len(seen) <= 18:
            # Another person wrote while this comment was typed: show it and ask before sending.
            newer = live.newer_entries(current_user, live.visible_case_comments(current_user, case), int(seen))
    if request.method == "POST" and newer:
        status = 422  # htmx swaps 422 answers in: the warning replaces the form, the text is kept
    elif request.method == "POST":
        if not form.validate():
            status = 422
        else:
            services.add_comment(current_user, case, form.comment.data,
                                 internal=bool(form.internal.data), reopen_days=_reopen_days())
            db.session.flush()
            record_request("case.comment", "case", case.id)
            if current_user.is_provider_user:
                notify_assignee(case.assigned_to, current_app.config["PUBLIC_BASE_URL"]
                                + url_for("cases.view", number=case.number))
            db.session.commit()
            deliver_pending()
            if not wants_fragment():
                flash("Your comment was saved.", "success")
                return redirect(url_for("cases.comment", number=case.number), 303)
            saved = True
            form = CommentForm(formdata=None)
    else:
        record_request("case.view", "case", case.id)
        live.touch(current_user, "case", case.id)
        commit_view()
    comments = services.comments_for(current_user, case)
    return render_page("cases/comment.html", block="comments", status=status, case=case, form=form,
                       comments=comments, may_add=may_add, newer=newer,
                       saved=saved, reopen_days=_reopen_days(), **_live_context(case, comments))


# --- Attach -----------------------------------------------------------------------------------

@bp.route("/cases/<number>/attach", methods=["GET", "POST"])
@login_required
def attach_files(number: str):
    case = _case_or_404(number)
    may_add = services.may_add_to(current_user, case, reopen_days=_reopen_days(), visible=True)
    form = AttachForm()
    status = 200
    if request.method == "POST":
        if not may_add:
            abort(403)
        prepared = receive_posted(form.files, required="Choose at least one file to upload")
        if prepared is None:
            status = 422
        else:
            try:
                services.attach_to_case(case, prepared)
                record_request("case.attach", "case", case.id)
                db.session.commit()
            except Exception:
                db.session.rollback()
                discard(prepared)
                raise
            names = ", ".join(item.original_name for item in prepared)
            flash(f"Attached: {names}.", "success")
            return redirect_to(url_for("cases.attach_files", number=case.number))
    else:
        record_request("case.view", "case", case.id)
        commit_view()
    return render_page("cases/attach.html", status=status, case=case, form=form,
                       files=files_of("case", case.id), may_add=may_add,
                       limits=upload_limits(),
                       reopen_days=_reopen_days())

"""Message Center pages: My Messages, New Message, threads, the guide, and the agents' queues."""
from __future__ import annotations

import json
from datetime import timezone
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, g, request, url_for
from flask_login import current_user, login_required

from webapp.audit import commit_view, record_request
from webapp.blueprints.attachments.services import register_owner
from webapp.blueprints.attachments.uploads import receive_posted, upload_limits
from webapp.blueprints.claims.services import visible_claim, visible_member
from webapp.blueprints.kb.services import articles_by_category, category_names
from webapp.blueprints.messages import bp, services
from webapp.blueprints.messages.forms import (
    FollowUpForm, GrievanceForm, MoveForm, NewMessageForm, ReplyForm, RulesUploadForm, StatusForm,
    TemplateForm,
)
from webapp.blueprints.messages.search_source import register_with_search
from webapp.blueprints.search.services import draft_suggestions
from webapp.extensions import db
from webapp.helpdesk import live
from webapp.helpdesk.forms import MergeForm, RatingForm
from webapp.helpdesk.notices import notify_assignee
from webapp.helpdesk.ratings import can_rate
from webapp.htmx import redirect_to, render_page
from webapp.mailer import deliver_pending
from webapp.models import ThreadStatus
from webapp.providers.services import active_providers
from webapp.queues.services import queue_by_slug, visible_queues


@bp.record_once
def _register_file_owner_and_search_source(_state):
    register_owner("message", services.can_view_message)
    register_with_search()


@bp.app_context_processor
def _unread_messages():
    """The header badge. A page that counted the same threads already leaves the count in
    g.unread_messages (Home), so it is not counted twice."""
    if current_user.is_authenticated and current_user.is_provider_user:
        known = g.get("unread_messages")
        return {"unread_messages": services.unread_count(current_user) if known is None else known}
    return {"unread_messages": 0}


def _provider_user_only():
    if not current_user.is_provider_user:
        abort(404)


def _agent_only():
    if not current_user.is_agent:
        abort(404)


def _agent_acting():
    """Changes need an agent or admin: supervisors read every queue but act in none."""
    _agent_only()
    if current_user.is_supervisor:
        abort(403)


def _deliver_mail() -> None:
    try:
        deliver_pending()
    except Exception:  # noqa: BLE001 - the outbox keeps it; the retry worker sends it later
        current_app.logger.warning("mail delivery deferred")


# --- provider: list, new message, guide -------------------------------------------------------

@bp.route("/messages")
@login_required
def my_messages():
    _provider_user_only()
    category = request.args.get("category", "")
    status = request.args.get("status", "")
    unread_only = request.args.get("unread") == "1"
    page = request.args.get("page", 1, type=int)
    listing = services.my_threads(current_user, category=category, status=status, unread_only=unread_only,
                                  page=page)
    return render_page("messages/list.html", "listing", listing=listing, category=category, status_filter=status,
                       unread_only=unread_only,
                       categories=services.active_categories(), statuses=list(ThreadStatus))


def _fill_choices(form: NewMessageForm, providers) -> None:
    form.provider.choices = [(p.id, f"{p.name} (NPI {p.npi})") for p in providers]
    categories = services.active_categories()
    form.category.choices = [("", "Choose a category")] + [(c.slug, c.name) for c in categories]
    category = services.category_by_slug(form.category.data)
    subs = services.active_subcategories(category)
    form.subcategory.choices = [("", "Choose a sub-category" if category else "Choose a category first")] + [
        (s.slug, s.name) for s in subs]


def _prefill(form: NewMessageForm) -> None:
    claim = visible_claim(current_user, request.args.get("claim", 0, type=int))
    member = visible_member(current_user, request.args.get("member", 0, type=int))
    # `code` comes from a denied line's link on the claim page.
    for name, value in services.new_message_prefill(claim, member, request.args.get("code", "")).items():
        form[name].data = value
    if request.args.get("category"):
        form.category.data = request.args["category"]
        form.subcategory.data = request.args.get("subcategory", "")
    if request.args.get("provider", type=int):  # Provider Profile's Ask a Question
        form.provider.data = request.args.get("provider", type=int)


def _show_errors(form, errors: dict[str, str]) -> None:
    """Put the services' errors next to their fields, after the form's own (the first one shows)."""
    for name, message in errors.items():
        form[name].errors = [*form[name].errors, message]


@bp.route("/messages/new", methods=["GET", "POST"])
@login_required
def new_message():
    _provider_user_only()
    providers = active_providers(current_user)
    if not providers:
        flash("No provider is active in your collection yet, so messages cannot be sent.", "warning")
        return redirect_to(url_for("main.home"))
    form = NewMessageForm()
    if request.method == "GET":
        _prefill(form)
    _fill_choices(form, providers)
    context = dict(form=form, providers=providers, limits=upload_limits(), fax_lines=[], refusals=[])
    if request.method == "GET":
        return render_page("messages/new.html", **context)
    if request.args.get("step") == "choose" or form.choose.data:
        # Step one of the two-step form (htmx sends only the category and swaps the list).
        return render_page("messages/new.html", "subcategory_field", **context)
    if form.find_help.data:  # nothing is checked or sent: the form again, with what may answer it
        suggestions = draft_suggestions(current_user, form.subject.data, "thread")
        return render_page("messages/new.html", suggestions=suggestions, **suggestions, **context)

    draft, errors = services.new_message_draft(current_user, form.data, providers)
    if services.expedited_by_fax(draft):  # whatever else was typed: the notice says where to fax it
        context["fax_lines"] = services.fax_lines()
        return render_page("messages/new.html", **context)
    valid = form.validate()
    _show_errors(form, errors)
    if errors or not valid:
        return render_page("messages/new.html", status=422, **context)
    prepared = receive_posted(form.attachments)
    if prepared is None:
        return render_page("messages/new.html", status=422, **context)
    thread = services.start_thread(current_user, draft.provider, draft, prepared)
    record_request("thread.create", "thread", thread.id)
    db.session.commit()
    flash(f"Your message {thread.reference} was sent to {thread.queue.name}.", "success")
    return redirect_to(url_for("messages.thread", thread_id=thread.id))


@bp.route("/messages/guide")
@login_required
def guide():
    _provider_user_only()
    return render_page("messages/guide.html", articles=articles_by_category(current_user),
                       category_names=category_names())


@bp.route("/messages/expedited-appeals")
@login_required
def expedited():
    return render_page("messages/expedited.html", fax_lines=services.fax_lines())


# --- a thread ---------------------------------------------------------------------------------

def _thread_or_404(thread_id: int):
    thread = services.visible_thread(current_user, thread_id)
    if thread is None:
        abort(404)
    return thread


def _render_thread(thread, status=200, newer=(), **forms):
    messages = services.visible_messages(current_user, thread)
    reopen_days = current_app.config["MESSAGE_REOPEN_DAYS"]
    rateable = can_rate(current_user, "thread", thread)
    context = dict(thread=thread, messages=messages, files=services.files_by_message(messages),
                   limits=upload_limits(), linked=services.linked_threads(current_user, thread),
                   deadline_basis=services.deadline_basis(thread), overdue=services.is_overdue(thread),
                   can_reopen=services.can_reopen(thread, reopen_days), reopen_days=reopen_days,
                   can_escalate=services.can_escalate(thread), newer=newer,
                   can_rate=rateable, rating_form=RatingForm(formdata=None) if rateable else None,
                   merge_form=MergeForm(formdata=None) if current_user.is_agent else None,  # only where shown
                   **live.page_context(current_user, "thread", thread, messages,
                                       poll_url_for=lambda last: url_for("helpdesk.live_thread",
                                                                         thread_id=thread.id, after=last),
                                       page_url=url_for("messages.thread", thread_id=thread.id)))
    if current_user.is_agent:
        reply = forms.get("reply") or ReplyForm(prefix="reply")
        template = services.queue_template(thread.queue_id, request.args.get("template", type=int))
        if template is not None and not reply.body.data:
            reply.body.data = template.body
        move = forms.get("move") or MoveForm(prefix="move")
        move.queue.choices = [(q.id, q.name) for q in services.all_queues()]
        move.queue.data = move.queue.data or thread.queue_id
        status_form = forms.get("status_form") or StatusForm(prefix="status")
        status_form.status.data = status_form.status.data or thread.status.value
        context.update(reply=reply, move=move, status_form=status_form,
                       templates=services.templates_of(thread.queue_id))
    else:
        context.update(follow_up=forms.get("follow_up") or FollowUpForm(prefix="followup"),
                       grievance=forms.get("grievance") or GrievanceForm(prefix="grievance"))
    return render_page("messages/thread.html", status=status, **context)


@bp.route("/messages/<int:thread_id>")
@login_required
def thread(thread_id: int):
    thread = _thread_or_404(thread_id)
    services.mark_read(current_user, thread)
    live.touch(current_user, "thread", thread.id)
    record_request("thread.view", "thread", thread.id)
    commit_view()
    return _render_thread(thread)


@bp.route("/messages/<int:thread_id>/follow-up", methods=["POST"])
@login_required
def follow_up(thread_id: int):
    _provider_user_only()
    thread = _thread_or_404(thread_id)
    form = FollowUpForm(prefix="followup")
    if not form.validate():
        return _render_thread(thread, 422, follow_up=form)
    prepared = receive_posted(form.attachments)
    if prepared is None:
        return _render_thread(thread, 422, follow_up=form)
    target = services.follow_up(current_user, thread, form.body.data, prepared,
                                reopen_days=current_app.config["MESSAGE_REOPEN_DAYS"])
    record_request("thread.follow_up", "thread", target.id)
    notify_assignee(target.assigned_to, current_app.config["PUBLIC_BASE_URL"]
                    + url_for("messages.thread", thread_id=target.id))
    db.session.commit()
    _deliver_mail()
    if target.id != thread.id:
        flash(f"Message {thread.reference} was closed more than "
              f"{current_app.config['MESSAGE_REOPEN_DAYS']} days ago, so your follow-up started "
              f"message {target.reference}, linked to it.", "info")
    else:
        flash("Your follow-up was sent.", "success")
    return redirect_to(url_for("messages.thread", thread_id=target.id))


@bp.route("/messages/<int:thread_id>/grievance", methods=["POST"])
@login_required
def grievance(thread_id: int):
    _provider_user_only()
    thread = _thread_or_404(thread_id)
    if not services.can_escalate(thread):
        abort(404)
    form = GrievanceForm(prefix="grievance")
    if not form.validate():
        return _render_thread(thread, 422, grievance=form)
    new = services.request_grievance(current_user, thread, form.body.data, form.contact_name.data,
                                     form.contact_phone.data, [])
    record_request("thread.grievance", "thread", new.id)
    db.session.commit()
    flash(f"Your request for review as a Grievance was sent as message {new.reference}. "
          "The decision will be final.", "success")
    return redirect_to(url_for("messages.thread", thread_id=new.id))


# --- agents -----------------------------------------------------------------------------------

@bp.route("/message-center")
@login_required
def message_center():
    _agent_only()
    return render_page("messages/center.html", summaries=services.queue_summaries(current_user))


def _queue_or_404(slug: str):
    queue = queue_by_slug(slug)
    if queue is None or queue not in visible_queues(current_user):
        abort(404)
    return queue


@bp.route("/message-center/<slug>")
@login_required
def queue(slug: str):
    _agent_only()
    queue = _queue_or_404(slug)
    show_closed = request.args.get("closed") == "1"
    threads = services.queue_threads(queue, include_done=show_closed)
    return render_page("messages/queue.html", queue=queue, threads=threads, show_closed=show_closed,
                       is_overdue=services.is_overdue)


@bp.route("/message-center/<slug>/templates", methods=["GET", "POST"])
@login_required
def templates(slug: str):
    _agent_acting() if request.method == "POST" else _agent_only()
    queue = _queue_or_404(slug)
    form = TemplateForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            services.add_template(queue, form.title.data, form.body.data)
            record_request("reply_template.create", "queue", queue.id)
            db.session.commit()
            flash("The reply template was saved.", "success")
            return redirect_to(url_for("messages.templates", slug=slug))
        status = 422
    return render_page("messages/templates.html", queue=queue, form=form,
                       templates=services.templates_of(queue.id), status=status)


@bp.route("/message-center/<slug>/templates/<int:template_id>/delete", methods=["POST"])
@login_required
def delete_template(slug: str, template_id: int):
    _agent_acting()
    queue = _queue_or_404(slug)
    template = services.queue_template(queue.id, template_id)
    if template is None:
        abort(404)
    services.delete_template(template)
    record_request("reply_template.delete", "queue", queue.id)
    db.session.commit()
    flash("The reply template was deleted.", "success")
    return redirect_to(url_for("messages.templates", slug=slug))


@bp.route("/messages/<int:thread_id>/assign", methods=["POST"])
@login_required
def assign(thread_id: int):
    _agent_acting()
    thread = _thread_or_404(thread_id)
    services.assign_to(thread, current_user)
    record_request("thread.assign", "thread", thread.id)
    db.session.commit()
    flash("The message is assigned to you.", "success")
    return redirect_to(url_for("messages.thread", thread_id=thread.id))


@bp.route("/messages/<int:thread_id>/reply", methods=["POST"])
@login_required
def reply(thread_id: int):
    _agent_acting()
    thread = _thread_or_404(thread_id)
    form = ReplyForm(prefix="reply")
    if not form.validate():
        return _render_thread(thread, 422, reply=form)
    seen = request.form.get("seen_message_id", "")
    if seen.isdigit() and len(seen) <= 18:
        # Another person wrote while this reply was typed: show it and ask before sending.
        newer = live.newer_entries(current_user, services.visible_messages(current_user, thread), int(seen))
        if newer:
            return _render_thread(thread, 409, newer=newer, reply=form)
    prepared = receive_posted(form.attachments)
    if prepared is None:
        return _render_thread(thread, 422, reply=form)
    new_status = ThreadStatus(form.status.data) if form.status.data else None
    link = current_app.config["PUBLIC_BASE_URL"] + url_for("messages.thread", thread_id=thread.id)
    services.agent_reply(current_user, thread, form.body.data, prepared, internal=form.internal.data,
                         new_status=new_status, link=link)
    record_request("thread.note" if form.internal.data else "thread.reply", "thread", thread.id)
    db.session.commit()
    _deliver_mail()
    flash("The internal note was saved." if form.internal.data else "Your reply was sent.", "success")
    return redirect_to(url_for("messages.thread", thread_id=thread.id))


@bp.route("/messages/<int:thread_id>/status", methods=["POST"])
@login_required
def change_status(thread_id: int):
    _agent_acting()
    thread = _thread_or_404(thread_id)
    form = StatusForm(prefix="status")
    if not form.validate():
        return _render_thread(thread, 422, status_form=form)
    services.set_status(thread, ThreadStatus(form.status.data))
    record_request("thread.status", "thread", thread.id)
    db.session.commit()
    flash(f"The status is now {thread.status.label}.", "success")
    return redirect_to(url_for("messages.thread", thread_id=thread.id))


@bp.route("/messages/<int:thread_id>/move", methods=["POST"])
@login_required
def move(thread_id: int):
    _agent_acting()
    thread = _thread_or_404(thread_id)
    form = MoveForm(prefix="move")
    form.queue.choices = [(q.id, q.name) for q in services.all_queues()]
    if not form.validate():
        return _render_thread(thread, 422, move=form)
    target = services.queue_by_id(form.queue.data)
    old = thread.queue
    services.move_to_queue(current_user, thread, target)
    record_request("thread.move", "thread", thread.id)
    db.session.commit()
    flash(f"The message was moved from {old.name} to {target.name}.", "success")
    if services.visible_thread(current_user, thread.id) is None:
        return redirect_to(url_for("messages.queue", slug=old.slug))
    return redirect_to(url_for("messages.thread", thread_id=thread.id))


# --- admins: the configured rules -------------------------------------------------------------

def _admin_only():
    if not current_user.is_admin:
        abort(404)


@bp.route("/message-center/rules", methods=["GET", "POST"])
@login_required
def rules():
    """See the routing, required fields and deadline rules; load an edited rules file."""
    _admin_only()
    form = RulesUploadForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                counts = services.load_rules(form.rules)
            except services.RulesError as exc:
                db.session.rollback()
                form.rules_file.errors = [f"Nothing changed: {exc}"]
            else:
                record_request("message_rules.load")
                db.session.commit()
                flash(f"Loaded {counts['categories']} categories and {counts['subcategories']} sub-categories.",
                      "success")
                return redirect_to(url_for("messages.rules"))
        status = 422
    return render_page("messages/rules.html", form=form, categories=services.active_categories(),
                       requirements=services.requirements, fax_lines=services.fax_lines(), status=status)


@bp.route("/message-center/rules.json")
@login_required
def rules_download():
    _admin_only()
    response = current_app.response_class(json.dumps(services.export_rules(), indent=2),
                                          mimetype="application/json")
    response.headers["Content-Disposition"] = "attachment; filename=message_rules.json"
    return response


# --- display of times in the user's time zone -------------------------------------------------

def _in_user_zone(value):
    zone = "America/New_York"
    if current_user.is_authenticated:
        zone = current_user.time_zone or zone
    return value.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone))


@bp.app_template_filter("message_time")
def message_time(value):
    return _in_user_zone(value).strftime("%m/%d/%Y %I:%M %p %Z") if value else ""


@bp.app_template_filter("message_date")
def message_date(value):
    return _in_user_zone(value).strftime("%m/%d/%Y") if value else ""

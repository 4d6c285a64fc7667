"""Helpdesk pages: the agents' inbox, live updates of threads and cases, ratings, merging, the
Supervisor page."""
from __future__ import annotations

import time
from datetime import timedelta

from flask import abort, current_app, flash, make_response, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError, OperationalError

from webapp.audit import record_request
from webapp.blueprints.attachments.services import files_of
from webapp.blueprints.cases.services import all_queues, case_for, works_case
from webapp.blueprints.helpdesk import bp, inbox, inbox_sources, supervisor
from webapp.blueprints.helpdesk.merge import (MergeError, merge_cases, merge_threads, survivor_case,
                                              survivor_thread)
from webapp.blueprints.messages.services import mark_read, visible_thread
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.helpdesk import live, ratings
from webapp.helpdesk.forms import MergeForm, PeriodForm, RatingForm
from webapp.htmx import passive, redirect_to, render_page
from webapp.queues.services import queue_by_slug, visible_queues

CLAIM_ATTEMPTS = 5

MAX_ID = 2 ** 63 - 1  # larger ids in URLs exist nowhere (and would overflow the database driver)


def _id_or_404(value: int) -> int:
    if value > MAX_ID:
        abort(404)
    return value



@bp.record_once
def _register_inbox_sources(_state):
    inbox_sources.register()


@bp.app_context_processor
def _agent_header():
    if current_user.is_authenticated and current_user.is_agent:
        return {"agent_unread": inbox.unread_count(current_user),
                "sees_supervisor_home": supervisor.sees_supervisor_home(current_user)}
    return {"agent_unread": 0, "sees_supervisor_home": supervisor.sees_supervisor_home(current_user)}


def _agent_only():
    if not current_user.is_agent:
        abort(404)


# --- the inbox ----------------------------------------------------------------------------------

@bp.route("/inbox")
@login_required
def inbox_page():
    _agent_only()
    filters = inbox.Filters.from_args(request.args)
    if filters.queue and filters.queue not in {q.slug for q in visible_queues(current_user)}:
        abort(404)
    now = utcnow_naive()
    page = inbox.inbox(current_user, filters, now)
    return render_page("helpdesk/inbox.html", "inbox_table", page=page, filters=filters, now=now,
                       zone=inbox.user_zone(current_user), queues=visible_queues(current_user),
                       types=inbox.type_choices(), states=inbox.STATES, assignees=inbox.ASSIGNEES,
                       views=inbox.saved_views(current_user), agents=inbox.assignable_agents(current_user),
                       all_queues=all_queues())


@bp.route("/inbox/next", methods=["POST"])
@login_required
def next_item():
    """Take the unassigned item of my queues that is due first."""
    _agent_only()
    if current_user.is_supervisor:
        abort(403)  # supervisors read every queue but act in none
    candidates, agent_id = inbox.next_candidates(current_user), current_user.id
    # End the read: the claim then starts its own transaction with the UPDATE (nothing is read
    # before it), so on SQLite it waits for another agent's claim instead of failing on an
    # outdated snapshot.
    db.session.commit()
    item, busy = None, True
    for attempt in range(CLAIM_ATTEMPTS):
        try:
            item = inbox.claim_first(agent_id, candidates)
            if item is not None:
                record_request(f"{item.kind}.assign", item.kind, item.id)
            db.session.commit()
            busy = False
            break
        except OperationalError:  # the database stayed locked (busy timeout): try again shortly
            db.session.rollback()
            time.sleep(0.1 * (attempt + 1))
    if busy:
        flash("The inbox is busy right now. Please choose Next again.", "warning")
        return redirect_to(url_for("helpdesk.inbox_page"))
    if item is None:
        flash("Nothing is waiting: every item of your queues is assigned.", "info")
        return redirect_to(url_for("helpdesk.inbox_page"))
    flash(f"{item.reference} is assigned to you.", "success")
    return redirect_to(url_for(item.endpoint, **item.url_args))


def _back_to_inbox():
    query = (request.form.get("back") or "")[:500]
    return url_for("helpdesk.inbox_page") + ("?" + query if query and "\n" not in query else "")


@bp.route("/inbox/bulk", methods=["POST"])
@login_required
def bulk():
    _agent_only()
    keys = request.form.getlist("item")[:500]
    if not inbox.parse_keys(keys):
        flash("Choose at least one item.", "error")
        return redirect_to(_back_to_inbox())
    action = request.form.get("action")
    if action == "assign":
        raw = request.form.get("assignee", "")
        assignee = None
        if raw:
            if not raw.isdigit() or len(raw) > 18:
                abort(400)
            assignee = next((a for a in inbox.assignable_agents(current_user) if a.id == int(raw)), None)
            if assignee is None:
                abort(400)
        count = inbox.bulk_assign(current_user, keys, assignee)
        record_request("inbox.bulk_assign", "user", assignee.id if assignee else None)
        done = f"{count} item(s) assigned to {assignee.full_name if assignee else 'nobody'}."
    elif action == "move":
        queue = queue_by_slug(request.form.get("queue", "")[:60])
        if queue is None:
            abort(400)
        count = inbox.bulk_move(current_user, keys, queue)
        record_request("inbox.bulk_move", "queue", queue.id)
        done = f"{count} item(s) moved to {queue.name}."
    else:
        abort(400)
    db.session.commit()
    skipped = len(inbox.parse_keys(keys)) - count
    flash(done + (f" {skipped} could not be changed (not in your queues)." if skipped else ""),
          "success" if not skipped else "warning")
    return redirect_to(_back_to_inbox())


@bp.route("/inbox/views", methods=["POST"])
@login_required
def save_view():
    _agent_only()
    filters = inbox.Filters.from_args(request.form)
    view, error = inbox.save_view(current_user, request.form.get("name", ""), filters)
    if error:
        flash(error, "error")
        return redirect_to(url_for("helpdesk.inbox_page") + "?" + filters.query_string())
    db.session.commit()
    flash(f"The view \u201c{view.name}\u201d was saved.", "success")
    return redirect_to(url_for("helpdesk.inbox_page") + "?" + view.query)


@bp.route("/inbox/views/<int:view_id>/delete", methods=["POST"])
@login_required
def delete_view(view_id: int):
    _agent_only()
    if not inbox.delete_view(current_user, _id_or_404(view_id)):
        abort(404)
    db.session.commit()
    flash("The view was deleted.", "success")
    return redirect_to(url_for("helpdesk.inbox_page"))


# --- live updates -------------------------------------------------------------------------------

def _not_modified(tag: str):
    """A bare 304: nothing new costs only a status line and a few short headers."""
    response = current_app.response_class(status=304)
    response.headers["ETag"] = f'"{tag}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _after_id() -> int:
    raw = request.args.get("after", "0")
    return int(raw) if raw.isdigit() and len(raw) <= 18 else 0


def _presence_commit(kind: str, item_id: int) -> None:
    live.touch(current_user, kind, item_id)
    try:
        db.session.commit()
    except IntegrityError:  # the same user's other tab recorded it a moment ago
        db.session.rollback()


def _live_response(kind: str, item, entries, status_label: str, poll_url_for, page_url: str):
    """304 when the page is current (If-None-Match); else the news as out-of-band fragments."""
    others = live.others_here(current_user, kind, item.id)
    last = live.last_id(entries)
    tag = live.etag(kind, item.id, last, status_label, others)
    if request.if_none_match.contains(tag):
        return _not_modified(tag)
    after = _after_id()
    new = [entry for entry in entries if entry.id > after]
    if kind == "thread" and new:
        mark_read(current_user, item)
        db.session.commit()
    files = files_of("message", [m.id for m in new]) if kind == "thread" and new else []
    by_owner = {}
    for stored in files:
        by_owner.setdefault(stored.owner_id, []).append(stored)
    response = make_response(render_template(
        "helpdesk/_live.html", kind=kind, item=item, new=new, entries=entries, others=others, tag=tag,
        status_label=status_label, poll_url=poll_url_for(last), files=by_owner, fragment=True,
        page_url=page_url))
    response.headers["ETag"] = f'"{tag}"'
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("HX-Request")
    return response


@bp.route("/live/thread/<int:thread_id>")
@login_required
@passive
def live_thread(thread_id: int):
    thread = visible_thread(current_user, _id_or_404(thread_id))
    if thread is None:
        abort(404)
    _presence_commit("thread", thread.id)
    return _live_response("thread", thread, live.visible_thread_messages(current_user, thread),
                          thread.status.label,
                          lambda last: url_for("helpdesk.live_thread", thread_id=thread.id, after=last),
                          url_for("messages.thread", thread_id=thread.id))


@bp.route("/live/case/<number>")
@login_required
@passive
def live_case(number: str):
    case = case_for(current_user, number[:24])
    if case is None:
        abort(404)
    _presence_commit("case", case.id)
    return _live_response("case", case, live.visible_case_comments(current_user, case), case.status.label,
                          lambda last: url_for("helpdesk.live_case", number=case.number, after=last),
                          url_for("cases.view", number=case.number))


# --- ratings ------------------------------------------------------------------------------------

def _item_page(kind: str, item) -> str:
    if kind == "case":
        return url_for("cases.view", number=item.number)
    return url_for("messages.thread", thread_id=item.id)


def _visible_item(kind: str, item_id: int):
    _id_or_404(item_id)
    if kind == "thread":
        return visible_thread(current_user, item_id)
    if kind == "case":
        item = ratings.item_of("case", item_id)
        return item if item is not None and case_for(current_user, item.number) is not None else None
    return None


@bp.route("/rate/<kind>/<int:item_id>", methods=["POST"])
@login_required
def rate(kind: str, item_id: int):
    item = _visible_item(kind, item_id)
    if item is None or not current_user.is_provider_user:
        abort(404)
    form = RatingForm()
    rating, errors = ratings.rate(current_user, kind, item, form.score.data, form.comment.data or "")
    if errors:
        flash(" ".join(errors.values()), "error")
        return redirect_to(_item_page(kind, item) + "#rating")
    db.session.flush()
    record_request("rating.create", kind, item.id)
    db.session.commit()
    flash(f"Thank you: you rated this {rating.score} of 5.", "success")
    return redirect_to(_item_page(kind, item))


# --- merging ------------------------------------------------------------------------------------

@bp.route("/merge/<kind>/<int:item_id>", methods=["POST"])
@login_required
def merge(kind: str, item_id: int):
    _agent_only()
    duplicate = _visible_item(kind, item_id)
    if duplicate is None:
        abort(404)
    form = MergeForm()
    target = (form.target.data or "")[:40]
    try:
        if kind == "thread":
            survivor = survivor_thread(target)
            if survivor is not None and visible_thread(current_user, survivor.id) is None:
                survivor = None
            merge_threads(current_user, duplicate, survivor)
        else:
            survivor = survivor_case(target)
            if kind == "case" and not works_case(current_user, duplicate):
                abort(404)
            merge_cases(current_user, duplicate, survivor)
    except MergeError as exc:
        db.session.rollback()
        flash(f"Not merged: {exc}", "error")
        return redirect_to(_item_page(kind, duplicate))
    record_request(f"{kind}.merge", kind, duplicate.id)
    db.session.commit()
    reference = duplicate.number if kind == "case" else duplicate.reference
    flash(f"{reference} was merged into this one.", "success")
    return redirect_to(_item_page(kind, survivor))


# --- the Supervisor page ------------------------------------------------------------------------

def _supervisor_rows():
    if not supervisor.sees_supervisor_home(current_user):
        abort(404)
    form = PeriodForm(request.args)
    form.validate()
    today = utcnow_naive().date()
    if not request.args:
        form.date_from.data, form.date_to.data = today - timedelta(days=29), today
    errors = supervisor.check_period(form.date_from.data if not form.date_from.errors else None,
                                     form.date_to.data if not form.date_to.errors else None)
    for name, message in errors.items():
        getattr(form, name).errors = [message]
    rows = None if errors else supervisor.report(form.date_from.data, form.date_to.data, utcnow_naive())
    return form, rows


@bp.route("/supervisor")
@login_required
def supervisor_page():
    form, rows = _supervisor_rows()
    return render_page("helpdesk/supervisor.html", form=form, rows=rows, status=200 if rows is not None else 422)


@bp.route("/supervisor.csv")
@login_required
def supervisor_csv():
    form, rows = _supervisor_rows()
    if rows is None:
        abort(422)
    record_request("supervisor.export")
    db.session.commit()
    response = make_response(supervisor.as_csv(rows))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=helpdesk-{form.date_from.data:%Y%m%d}-{form.date_to.data:%Y%m%d}.csv")
    response.headers["Cache-Control"] = "no-store"
    return response


# --- My Profile: the agents' notice setting -----------------------------------------------------

@bp.route("/profile/notices", methods=["POST"])
@login_required
def notice_setting():
    _agent_only()
    current_user.notify_on_answer = request.form.get("notify_on_answer") == "1"
    record_request("profile.notices", "user", current_user.id)
    db.session.commit()
    flash("Notices are " + ("on: you get an email when a provider answers an item assigned to you."
                            if current_user.notify_on_answer else "off."), "success")
    return redirect_to(url_for("profile.my_profile"))

"""Claims and members. Searches are POSTed: member IDs and claim numbers stay out of URLs."""
from flask import abort, render_template
from flask_login import current_user, login_required

from webapp.audit import record_request
from webapp.blueprints.claims import bp, services
from webapp.blueprints.claims.forms import ClaimSearchForm, MemberSearchForm
from webapp.extensions import db
from webapp.htmx import render_page


def _provider_only():
    if not current_user.is_provider_user:
        abort(404)


@bp.route("/claims", methods=["GET", "POST"])
@login_required
def claim_search():
    _provider_only()
    form = ClaimSearchForm()
    results, status = None, 200
    if form.is_submitted():
        if form.validate():
            criteria = services.ClaimSearch(
                claim_number=form.claim_number.data or "", date_from=form.date_from.data,
                date_to=form.date_to.data, date_type=form.date_type.data, status=form.status.data,
                member_id=form.member_id.data or "")
            # The audit row is committed before the search, not after: a commit expires every
            # loaded claim and the page would reload each one with a query of its own. (Not
            # after rendering either: on SQLite that would hold the write lock while rendering.)
            record_request("claim.search")
            db.session.commit()
            results = services.search_claims(current_user, criteria)
        else:
            status = 422
    return render_page("claims/claim_search.html", "search", form=form, results=results,
                       limit=services.RESULT_LIMIT, money=services.money, status=status)


@bp.route("/claims/<int:claim_id>")
@login_required
def claim_detail(claim_id: int):
    claim = services.visible_claim(current_user, claim_id)
    if claim is None:
        abort(404)
    record_request("claim.view", "claim", claim.id)
    db.session.commit()
    return render_template("claims/claim.html", claim=claim, money=services.money)


@bp.route("/members", methods=["GET", "POST"])
@login_required
def member_search():
    _provider_only()
    form = MemberSearchForm()
    results, status = None, 200
    if form.is_submitted():
        if form.validate():
            results = services.search_members(current_user, member_id=form.member_id.data or "",
                                              name=form.name.data or "",
                                              date_of_birth=form.date_of_birth.data, city=form.city.data or "")
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
    claims = services.claims_of_member(current_user, member)
    record_request("member.view", "member", member.id)
    db.session.commit()
    return render_template("claims/member.html", member=member, claims=claims, money=services.money)

from flask import abort
from flask_login import current_user, login_required

from webapp.blueprints.practice import bp
from webapp.blueprints.referrals.services import network_profile
from webapp.htmx import render_page
from webapp.providers.services import active_providers

# Where the EmblemHealth table sends "changes to my practice that cannot be done in the Provider Profile".
PRACTICE_CHANGE = dict(category="provider-profile-change", subcategory="practice-change")


def _providers():
    if not current_user.is_provider_user:
        abort(404)
    return active_providers(current_user)


@bp.route("/provider-profile")
@login_required
def profiles():
    providers = _providers()
    return render_page("practice/profiles.html", providers=providers,
                       profiles={p.id: network_profile(p) for p in providers})


@bp.route("/provider-profile/<int:provider_id>")
@login_required
def profile(provider_id: int):
    provider = next((p for p in _providers() if p.id == provider_id), None)
    if provider is None:
        abort(404)  # not in the user's active collection: indistinguishable from missing
    return render_page("practice/profile.html", provider=provider, details=network_profile(provider),
                       practice_change=PRACTICE_CHANGE)

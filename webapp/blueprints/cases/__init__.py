from flask import Blueprint

bp = Blueprint("cases", __name__)

# Below bp: routes (and what they import) need the blueprint object first.
from webapp.blueprints.attachments.services import register_owner  # noqa: E402
from webapp.blueprints.cases.search_source import register_with_search  # noqa: E402
from webapp.blueprints.cases.services import can_view_case_id  # noqa: E402


@bp.record_once
def _register_file_owner_and_search_source(_state) -> None:
    """Files attached to a case are downloaded under the case's own access rule; cases are searchable."""
    register_owner("case", can_view_case_id)
    register_with_search()


from webapp.blueprints.cases import routes  # noqa: E402,F401

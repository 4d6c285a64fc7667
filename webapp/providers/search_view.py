"""The provider search of registration step 4 and My Collections > Add provider (GET parameters)."""
from flask import request

from webapp.models import ProviderKind
from webapp.providers.forms import GroupSearchForm, PractitionerSearchForm
from webapp.providers.services import search_providers


def provider_search_context() -> dict:
    """The two search tabs and their results."""
    tab = "group" if request.args.get("tab") == "group" else "practitioner"
    searched = "search" in request.args
    if tab == "group":
        search_form = GroupSearchForm(request.args if searched else None)
    else:
        search_form = PractitionerSearchForm(request.args if searched else None)
    results = None
    if searched and search_form.validate():
        kind = ProviderKind.GROUP if tab == "group" else ProviderKind.PRACTITIONER
        data = {k: v for k, v in search_form.data.items() if v}
        results = search_providers(kind, **data)
    return {"tab": tab, "search_form": search_form, "results": results, "searched": searched}

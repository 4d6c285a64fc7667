from flask import jsonify

from webapp.blueprints.health import bp
from webapp.blueprints.health.services import health_report


@bp.route("/healthz")
def healthz():
    """For load balancers and monitoring: 200 while the database answers, 503 when it does not."""
    report = health_report()
    response = jsonify(report)
    response.status_code = 200 if report["database"]["reachable"] else 503
    response.headers["Cache-Control"] = "no-store"
    return response

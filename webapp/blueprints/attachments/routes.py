import logging

from flask import abort, current_app, send_file
from flask_login import current_user, login_required

from webapp.audit import record_request
from webapp.blueprints.attachments import bp
from webapp.blueprints.attachments.services import file_for_download, open_verified, stored_path
from webapp.extensions import db

log = logging.getLogger(__name__)


@bp.route("/files/<public_id>")
@login_required
def download(public_id: str):
    stored = file_for_download(current_user, public_id)
    if stored is None:
        abort(404)
    try:
        handle = open_verified(stored_path(current_app.config["UPLOAD_DIR"], stored), stored)
    except ValueError:
        log.error("download refused: stored file %s does not match its SHA-256", stored.id)
        abort(500)
    if handle is None:
        abort(404)
    record_request("file.download", "file", stored.id)
    db.session.commit()
    # Always a download, never rendered by the browser; nosniff comes with every response.
    response = send_file(handle, mimetype=stored.content_type, as_attachment=True,
                         download_name=stored.original_name, max_age=0, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response

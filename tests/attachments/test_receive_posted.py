"""receive_posted: the files a form posted, checked with the configured limits; a refusal leaves
nothing on disk and puts the reasons on the field for the 422 answer."""
from __future__ import annotations

import io
from pathlib import Path

from flask_login import login_user
from werkzeug.datastructures import MultiDict

from webapp.blueprints.attachments.uploads import receive_posted, upload_limits
from webapp.blueprints.auth.services import find_user_by_login
from webapp.blueprints.cases.forms import AttachForm

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _posted(app, files):
    data = MultiDict([("files", (io.BytesIO(content), name)) for name, content in files])
    return app.test_request_context("/upload", method="POST", data=data, content_type="multipart/form-data")


def _stored(app) -> list[Path]:
    return [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]


def test_good_files_are_stored_and_returned_ready_to_attach(demo, app):
    with _posted(app, [("a.pdf", PDF_BYTES), ("b.txt", b"plain words")]):
        login_user(find_user_by_login("staff@sunrise.example"))
        before = len(_stored(app))
        form = AttachForm()
        prepared = receive_posted(form.files)
        assert [item.original_name for item in prepared] == ["a.pdf", "b.txt"]
        assert all(item.path.exists() for item in prepared) and len(_stored(app)) == before + 2
        assert not form.files.errors


def test_one_refusal_keeps_nothing_and_names_the_file_on_the_field(demo, app):
    with _posted(app, [("a.pdf", PDF_BYTES), ("page.pdf", b"<html>not a pdf</html>")]):
        login_user(find_user_by_login("staff@sunrise.example"))
        before = len(_stored(app))
        form = AttachForm()
        assert receive_posted(form.files) is None
        assert form.files.errors == ["page.pdf: the content is not a PDF file"]
        assert len(_stored(app)) == before


def test_nothing_chosen_is_fine_unless_required(demo, app):
    with _posted(app, []):
        login_user(find_user_by_login("staff@sunrise.example"))
        form = AttachForm()
        assert receive_posted(form.files) == []
        assert receive_posted(form.files, required="Choose at least one file to upload") is None
        assert form.files.errors == ["Choose at least one file to upload"]


def test_a_smaller_count_limit_can_be_given(demo, app):
    with _posted(app, [("a.pdf", PDF_BYTES), ("b.pdf", PDF_BYTES)]):
        login_user(find_user_by_login("staff@sunrise.example"))
        form = AttachForm()
        assert receive_posted(form.files, max_files=1) is None
        assert form.files.errors == ["2 files: at most 1 files can be sent at once"]
        assert upload_limits(1).startswith(f"Up to 1 files, {app.config['UPLOAD_MAX_MB']} MB each.")

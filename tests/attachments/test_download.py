"""A file is downloaded only by someone who may see its owner, always as an attachment."""
from __future__ import annotations

import io

import pytest

from tests.conftest import DEMO_PASSWORD
from webapp.blueprints.attachments import services
from webapp.blueprints.auth.services import find_user_by_login
from webapp.extensions import db
from webapp.models import AuditEvent

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


class Upload:
    def __init__(self, name, content):
        self.filename, self.stream = name, io.BytesIO(content)


@pytest.fixture
def sunrise_file(demo, app):
    """A file owned by a test owner kind that only Sunrise's staff may see."""
    services.register_owner("test-owner", lambda user, owner_id: user.email.endswith("@sunrise.example"))
    with app.app_context():
        staff = find_user_by_login("staff@sunrise.example")
        prepared, refusals = services.receive_files(
            [Upload("remit.pdf", PDF_BYTES)], user_id=staff.id,
            upload_dir=app.config["UPLOAD_DIR"], max_mb=25, max_files=5)
        assert refusals == []
        [stored] = services.attach(prepared, "test-owner", 1)
        db.session.commit()
        return stored.public_id


def test_a_permitted_user_downloads_it_as_an_attachment_and_it_is_audited(client, sunrise_file, app):
    client.post("/sign-in", data={"login": "staff@sunrise.example", "password": DEMO_PASSWORD})
    response = client.get(f"/files/{sunrise_file}")
    assert response.status_code == 200
    assert response.data == PDF_BYTES
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="file.download").count() == 1


def test_another_organization_gets_404(client, sunrise_file):
    client.post("/sign-in", data={"login": "staff@harbor.example", "password": DEMO_PASSWORD})
    assert client.get(f"/files/{sunrise_file}").status_code == 404


def test_an_unknown_file_is_404_and_signed_out_users_go_to_sign_in(client, sunrise_file):
    assert client.get(f"/files/{sunrise_file}").status_code == 302
    client.post("/sign-in", data={"login": "staff@sunrise.example", "password": DEMO_PASSWORD})
    assert client.get("/files/not-a-file").status_code == 404


def test_a_stored_file_changed_on_disk_is_refused(client, sunrise_file, app):
    """UPLOAD_DIR may be a share several machines write to: a download checks the SHA-256."""
    from webapp.models import StoredFile

    with app.app_context():
        stored = db.session.query(StoredFile).filter_by(public_id=sunrise_file).one()
        services.stored_path(app.config["UPLOAD_DIR"], stored).write_bytes(b"%PDF-1.4\n%tampered\n")
    client.post("/sign-in", data={"login": "staff@sunrise.example", "password": DEMO_PASSWORD})
    response = client.get(f"/files/{sunrise_file}")
    assert response.status_code == 500
    assert b"tampered" not in response.data
    assert "Something went wrong on our side" in response.get_data(as_text=True)

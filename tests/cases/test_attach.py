"""Attach on a case: limits stated up front, refused files named with the reason, nothing half-saved."""
from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tests.cases.helpers import PDF_BYTES, new_case
from webapp.blueprints.attachments.services import receive_files
from webapp.blueprints.cases import services
from webapp.extensions import db
from webapp.models import StoredFile


@pytest.fixture
def number(world, app):
    with app.app_context():
        return new_case("staff@sunrise.example").number


def post_files(client, number, *files):
    return client.post(f"/cases/{number}/attach",
                       data={"files": [(io.BytesIO(content), name) for name, content in files]},
                       content_type="multipart/form-data")


def stored_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(StoredFile.id)))


def test_the_limits_are_shown_before_upload(number, signed_in):
    page = signed_in("staff@sunrise.example").get(f"/cases/{number}/attach").get_data(as_text=True)
    assert "Upload Files" in page and 'multiple' in page
    assert "Up to 5 files, 25 MB each. Allowed: PDF, PNG, JPEG, TIFF, plain text, DOCX, XLSX." in page


def test_two_files_are_attached_and_listed_with_size_and_uploader(number, signed_in, app):
    client = signed_in("staff@sunrise.example")
    response = post_files(client, number, ("eob.pdf", PDF_BYTES), ("notes.txt", b"call back Tuesday"))
    assert response.status_code == 303
    page = client.get(f"/cases/{number}").get_data(as_text=True)
    assert "eob.pdf" in page and "notes.txt" in page and f"{len(PDF_BYTES)} bytes" in page
    assert "Sam Rivera" in page
    assert stored_count(app) == 2


@pytest.mark.parametrize("files, message", [
    ([("big.pdf", PDF_BYTES + b"0" * (25 * 1024 * 1024 - len(PDF_BYTES) + 1))],
     "big.pdf: the file is larger than 25 MB"),
    ([(f"f{i}.pdf", PDF_BYTES) for i in range(6)], "at most 5 files can be sent at once"),
    ([("claim.pdf", b"<!doctype html><script>alert(1)</script>")], "claim.pdf: the content is not a PDF file"),
    ([("../../etc/passwd.pdf", PDF_BYTES)], "the file name must not contain a folder path"),
    ([("ok.pdf", PDF_BYTES), ("run.exe", b"MZ")], "run.exe: this type of file is not accepted"),
])
def test_refused_files_are_named_with_the_reason_and_nothing_is_saved(number, signed_in, app, files,
                                                                       message):
    from pathlib import Path

    def on_disk():
        return {p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()}

    before = on_disk()
    response = post_files(signed_in("staff@sunrise.example"), number, *files)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_count(app) == 0
    assert on_disk() == before  # the good file of a refused batch is not kept either


def test_no_file_chosen_is_422(number, signed_in):
    response = signed_in("staff@sunrise.example").post(f"/cases/{number}/attach", data={},
                                                       content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose at least one file" in response.get_data(as_text=True)


def test_attaching_files_counts_as_a_change_to_the_case_and_leaves_the_commit_to_the_caller(world, app, tmp_path):
    with app.app_context():
        case = new_case("staff@sunrise.example")
        prepared, refusals = receive_files([SimpleNamespace(filename="eob.pdf", stream=io.BytesIO(PDF_BYTES))],
                                           user_id=case.created_by_id, upload_dir=tmp_path, max_mb=1, max_files=1)
        assert refusals == []
        later = case.updated_at + timedelta(hours=3)
        [stored] = services.attach_to_case(case, prepared, now=later)
        assert case.updated_at == later and stored.owner_kind == "case" and stored.owner_id == case.id
        db.session.rollback()
        assert db.session.scalar(select(func.count(StoredFile.id)).where(StoredFile.owner_id == case.id)) == 0

"""Uploads are checked by content, limited in size and count, and stored under random names."""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

import pytest

from webapp.blueprints.attachments.services import (
    discard,
    limits_text,
    receive_files,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class FakeUpload:  # the two attributes of werkzeug's FileStorage the service reads
    filename: str
    stream: io.BytesIO


def upload(name: str, content: bytes) -> FakeUpload:
    return FakeUpload(name, io.BytesIO(content))


def office_file(inner: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(inner, "<x/>")
    return buffer.getvalue()


def receive(tmp_path, *files, max_mb=25, max_files=5):
    return receive_files(files, user_id=1, upload_dir=tmp_path, max_mb=max_mb, max_files=max_files)


def test_a_pdf_is_stored_under_a_random_name_with_its_sha256(tmp_path):
    prepared, refusals = receive(tmp_path, upload("eob.pdf", PDF_BYTES))
    assert refusals == []
    [item] = prepared
    assert item.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert item.path.read_bytes() == PDF_BYTES
    assert "eob" not in item.path.name and item.path.is_relative_to(tmp_path)
    assert item.file_type.content_type == "application/pdf"


@pytest.mark.parametrize("name, content", [
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20),
    ("fax.tiff", b"II*\x00" + b"\0" * 20),
    ("notes.txt", "Patient called about claim — résumé".encode()),
    ("letter.docx", office_file("word/document.xml")),
    ("sheet.xlsx", office_file("xl/workbook.xml")),
])
def test_each_allowed_type_is_accepted_by_its_content(tmp_path, name, content):
    prepared, refusals = receive(tmp_path, upload(name, content))
    assert refusals == [] and len(prepared) == 1


def test_a_file_one_byte_over_the_limit_is_refused_and_not_kept(tmp_path):
    too_big = PDF_BYTES + b"0" * (1024 * 1024 - len(PDF_BYTES) + 1)  # 1 MB + 1 byte
    prepared, refusals = receive(tmp_path, upload("big.pdf", too_big), max_mb=1)
    assert prepared == []
    assert [str(r) for r in refusals] == ["big.pdf: the file is larger than 1 MB"]
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_25_mb_plus_one_byte_is_refused_at_the_default_limit(tmp_path):
    content = PDF_BYTES + b"0" * (25 * 1024 * 1024 - len(PDF_BYTES) + 1)
    _, refusals = receive(tmp_path, upload("big.pdf", content))
    assert refusals[0].reason == "the file is larger than 25 MB"


def test_six_files_are_refused_at_once(tmp_path):
    files = [upload(f"f{i}.pdf", PDF_BYTES) for i in range(6)]
    prepared, refusals = receive(tmp_path, *files)
    assert prepared == []
    assert refusals[0].reason == "at most 5 files can be sent at once"


def test_an_html_file_named_pdf_is_refused(tmp_path):
    _, refusals = receive(tmp_path, upload("claim.pdf", b"<!doctype html><script>alert(1)</script>"))
    assert [str(r) for r in refusals] == ["claim.pdf: the content is not a PDF file"]


def test_html_disguised_as_text_is_refused(tmp_path):
    _, refusals = receive(tmp_path, upload("notes.txt", b"  <html><body>hi</body></html>"))
    assert refusals and refusals[0].filename == "notes.txt"


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\evil.pdf", "a/b.pdf"])
def test_a_file_name_with_a_path_is_refused(tmp_path, name):
    _, refusals = receive(tmp_path, upload(name, PDF_BYTES))
    assert refusals[0].reason == "the file name must not contain a folder path"


def test_an_unlisted_type_is_refused_by_name(tmp_path):
    _, refusals = receive(tmp_path, upload("run.exe", b"MZ\x90\x00"))
    assert str(refusals[0]) == "run.exe: this type of file is not accepted"


def test_one_bad_file_leaves_the_good_ones_for_the_caller_to_discard(tmp_path):
    prepared, refusals = receive(tmp_path, upload("ok.pdf", PDF_BYTES), upload("bad.pdf", b"nope"))
    assert len(prepared) == 1 and len(refusals) == 1
    discard(prepared)
    assert not prepared[0].path.exists()


def test_the_limits_are_stated_before_upload():
    assert limits_text(25, 5) == ("Up to 5 files, 25 MB each. "
                                  "Allowed: PDF, PNG, JPEG, TIFF, plain text, DOCX, XLSX.")

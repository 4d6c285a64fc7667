"""Attachments shared by every feature: checks by content, storage, and the download access rule.

A feature uploads in two steps so nothing is half-saved:
    prepared, refusals = receive_files(files, user_id=...)   # checks and writes to disk
    if refusals: discard(prepared) and show the refusals next to the field
    else: attach(prepared, "case", case.id); commit   (rows in the caller's transaction)
and registers who may download its files once: register_owner("case", can_view_case_file).
Routes take posted files through uploads.receive_posted(), which does the first two steps.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import bindparam, select

from webapp.extensions import db
from webapp.models import StoredFile

CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
PNG = FileType("PNG", "image/png", (".png",))
JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"))
TIFF = FileType("TIFF", "image/tiff", (".tif", ".tiff"))
TEXT = FileType("plain text", "text/plain", (".txt",))
DOCX = FileType("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                (".docx",))
XLSX = FileType("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                (".xlsx",))
ALLOWED_TYPES = (PDF, PNG, JPEG, TIFF, TEXT, DOCX, XLSX)
ALLOWED_EXTENSIONS = tuple(ext for kind in ALLOWED_TYPES for ext in kind.extensions)
# Text that a browser could take for markup is refused even though it is "plain text".
MARKUP_START = re.compile(rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe)", re.I)


class Upload(Protocol):
    """What werkzeug's FileStorage offers; tests pass the same."""
    filename: str | None
    stream: BinaryIO


@dataclass
class PreparedFile:
    original_name: str
    file_type: FileType
    size: int
    sha256: str
    storage_name: str
    path: Path
    uploaded_by_id: int


@dataclass(frozen=True)
class Refusal:
    filename: str
    reason: str

    def __str__(self) -> str:
        return f"{self.filename}: {self.reason}"


def limits_text(max_mb: int, max_files: int) -> str:
    """What the upload field says before anyone picks a file."""
    names = ", ".join(kind.label for kind in ALLOWED_TYPES)
    return f"Up to {max_files} files, {max_mb} MB each. Allowed: {names}."


def detect_type(head: bytes, path: Path) -> FileType | None:
    """The file's type from its first bytes (and, for Office files, the zip's contents)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"PK\x03\x04"):
        return _office_type(path)
    if _is_plain_text(head):
        return TEXT
    return None


def _office_type(path: Path) -> FileType | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head or MARKUP_START.match(head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sample may end inside a multi-byte character.
        if exc.start < len(head) - 3:
            return False
    return True


def clean_filename(raw: str | None) -> tuple[str | None, str | None]:
    """(name, None) for a usable file name, or (None, reason)."""
    name = (raw or "").strip()
    if not name:
        return None, "the file has no name"
    if "/" in name or "\\" in name or name.startswith(".."):
        return None, "the file name must not contain a folder path"
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        return None, "the file name contains control characters"
    if len(name) > 200:
        return None, "the file name is longer than 200 characters"
    return name, None


def receive_files(files: Iterable[Upload], *, user_id: int, upload_dir: str | os.PathLike,
                  max_mb: int, max_files: int) -> tuple[list[PreparedFile], list[Refusal]]:
    """Check every file and store the good ones. Refusals name the file and the reason.

    The caller saves nothing when there is any refusal: it calls discard(prepared) instead.
    """
    chosen = [upload for upload in files if upload is not None and (upload.filename or "")]
    if len(chosen) > max_files:
        return [], [Refusal(f"{len(chosen)} files", f"at most {max_files} files can be sent at once")]
    prepared: list[PreparedFile] = []
    refusals: list[Refusal] = []
    for upload in chosen:
        result = _receive_one(upload, user_id=user_id, upload_dir=Path(upload_dir),
                              max_bytes=max_mb * 1024 * 1024, max_mb=max_mb)
        if isinstance(result, Refusal):
            refusals.append(result)
        else:
            prepared.append(result)
    return prepared, refusals


def _receive_one(upload: Upload, *, user_id: int, upload_dir: Path, max_bytes: int,
                 max_mb: int) -> PreparedFile | Refusal:
    name, problem = clean_filename(upload.filename)
    shown_name = name or (upload.filename or "unnamed file")[:200]
    if problem:
        return Refusal(shown_name, problem)
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        return Refusal(name, "this type of file is not accepted")

    storage_name = secrets.token_hex(20)
    path = upload_dir / storage_name[:2] / storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    with open(path, "wb") as out:
        while chunk := upload.stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                path.unlink(missing_ok=True)
                return Refusal(name, f"the file is larger than {max_mb} MB")
            if len(head) < 8192:
                head += chunk[: 8192 - len(head)]
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        path.unlink(missing_ok=True)
        return Refusal(name, "the file is empty")
    file_type = detect_type(head, path)
    if file_type is None or extension not in file_type.extensions:
        path.unlink(missing_ok=True)
        expected = next((kind.label for kind in ALLOWED_TYPES if extension in kind.extensions), "")
        return Refusal(name, f"the content is not a {expected} file")
    return PreparedFile(original_name=name, file_type=file_type, size=size,
                        sha256=digest.hexdigest(), storage_name=storage_name, path=path,
                        uploaded_by_id=user_id)


def discard(prepared: Iterable[PreparedFile]) -> None:
    for item in prepared:
        item.path.unlink(missing_ok=True)


def attach(prepared: Iterable[PreparedFile], owner_kind: str, owner_id: int) -> list[StoredFile]:
    """Add the file rows to the caller's transaction."""
    rows = [
        StoredFile(public_id=secrets.token_urlsafe(16), owner_kind=owner_kind, owner_id=owner_id,
                   original_name=item.original_name, content_type=item.file_type.content_type,
                   size=item.size, sha256=item.sha256, storage_name=item.storage_name,
                   uploaded_by_id=item.uploaded_by_id)
        for item in prepared
    ]
    db.session.add_all(rows)
    return rows


# Built once (webapp.statements): every case and thread page lists its files.
_FILES_OF = (select(StoredFile).where(StoredFile.owner_kind == bindparam("owner_kind"),
                                      StoredFile.owner_id.in_(bindparam("owner_ids", expanding=True)))
             .order_by(StoredFile.uploaded_at, StoredFile.id))


def files_of(owner_kind: str, owner_ids: int | Iterable[int]) -> list[StoredFile]:
    ids = [owner_ids] if isinstance(owner_ids, int) else list(owner_ids)
    return list(db.session.scalars(_FILES_OF, {"owner_kind": owner_kind, "owner_ids": ids}))


def stored_path(upload_dir: str | os.PathLike, stored: StoredFile) -> Path:
    return Path(upload_dir) / stored.storage_name[:2] / stored.storage_name


def open_verified(path: Path, stored: StoredFile):
    """The stored file opened for reading, after checking its size and SHA-256 against the row
    (UPLOAD_DIR may be a network share several machines write to): None when it is missing,
    ValueError when its content is not what was uploaded. The caller sends and closes it."""
    try:
        handle = path.open("rb")
    except OSError:
        return None
    digest, size = hashlib.sha256(), 0
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    if size != stored.size or digest.hexdigest() != stored.sha256:
        handle.close()
        raise ValueError(f"stored file {stored.id} failed its SHA-256 check")
    handle.seek(0)
    return handle


# --- who may download ------------------------------------------------------------------------

AccessRule = Callable[[object, int], bool]
_owner_rules: dict[str, AccessRule] = {}


def register_owner(owner_kind: str, can_view: AccessRule) -> None:
    """`can_view(user, owner_id)` is the owner's own access rule (the same one its page uses)."""
    _owner_rules[owner_kind] = can_view


def file_for_download(user, public_id: str) -> StoredFile | None:
    """The file when `user` may see its owner; None (a 404 for the caller) otherwise."""
    stored = db.session.scalar(select(StoredFile).where(StoredFile.public_id == public_id))
    if stored is None:
        return None
    rule = _owner_rules.get(stored.owner_kind)
    if rule is None or not rule(user, stored.owner_id):
        return None
    return stored


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} MB"

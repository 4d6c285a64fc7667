"""The plain-dict document contract between a feature (cases, messages) and the index.

A source's `load_documents(ids)` yields one dict per record that still exists:

    {
        "id": 42,                              # required: the record's primary key
        "number": "120620171401",              # the number users know (case / thread number)
        "title": "Claim denied for timely filing",   # subject
        "body": ["description", "comment 1", "message body", "lab.pdf", "Jane Doe"],  # str or list
        "internal": ["internal note"],         # agents only; never shown to or searched for providers
        "claim_numbers": ["C123"], "member_ids": ["M456"], "account_numbers": ["PA789"],  # str or list
        "provider_ids": [7, 9],                # required: the providers whose users may see it
        "queue": "claims-inquiry",             # queue slug (agents' scope)
        "status": "Open", "type": "Claim", "category": "", "sub_category": "",
        "is_open": True,                       # for "similar open records"
        "created": datetime, "updated": datetime,   # naive UTC
    }

Anything missing is indexed as empty. Records the loader does not return are removed from the index.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

EPOCH = datetime(1970, 1, 1)


def record_key(kind: str, record_id: Any) -> str:
    return f"{kind}:{record_id}"


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [str(value)]
    return [str(v) for v in value if v not in (None, "")]


def normalize_identifier(value: str) -> str:
    return "".join(str(value).split()).lower()


def _identifiers(value) -> str:
    return " ".join(normalize_identifier(v) for v in _as_list(value))


def _joined(value: Iterable | str | None) -> str:
    return "\n".join(_as_list(value))


def to_index_fields(kind: str, document: dict) -> dict:
    """Turn a source's document into the index's field values."""
    record_id = str(document["id"])
    created = document.get("created") or EPOCH
    updated = document.get("updated") or created
    return {
        "key": record_key(kind, record_id),
        "kind": kind,
        "record_id": record_id,
        "number": normalize_identifier(document.get("number") or ""),
        "shown_number": str(document.get("number") or ""),
        "claim": _identifiers(document.get("claim_numbers")),
        "member": _identifiers(document.get("member_ids")),
        "account": _identifiers(document.get("account_numbers")),
        "title": document.get("title") or "",
        # type/category words are searchable as text too ("grievance" finds that category)
        "text": _joined([document.get("title") or "", *_as_list(document.get("body")),
                         *_as_list(document.get("type")), *_as_list(document.get("category")),
                         *_as_list(document.get("sub_category"))]),
        "internal": _joined(document.get("internal")),
        "provider_ids": " ".join(str(p) for p in document.get("provider_ids") or ()),
        "scope_providers": (" " + " ".join(str(p) for p in document.get("provider_ids") or ())
                            + " ").encode(),
        "queue": document.get("queue") or "",
        "status": document.get("status") or "",
        "type": document.get("type") or "",
        "category": document.get("category") or "",
        "sub_category": document.get("sub_category") or "",
        "is_open": bool(document.get("is_open", False)),
        "created": created,
        "updated": updated,
        "day": day_term(updated),
        "updated_ts": int((updated - EPOCH).total_seconds()),
    }


def day_term(value: datetime) -> str:
    return value.strftime("%Y%m%d")


def display_text(document: dict) -> str:
    """The text a result excerpt may be cut from: never the internal notes."""
    return _joined(document.get("body"))

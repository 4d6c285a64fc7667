"""The case type catalogue: which types exist, their fields, and the queue each routes to.

Types and fields are data: a plan adds a type (or a field) here, and the create form, validation,
the case page and routing follow without new views or templates. Four field names are columns of
`Case` (contact_email, npi, subject, description); every other field is kept in `Case.details`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Field kinds the form and the validation understand.
TEXT, EMAIL, NPI, DATE, DATE_OR_RANGE, MONEY, TAX_ID, CHOICE, LONG_TEXT = (
    "text", "email", "npi", "date", "date_or_range", "money", "tax_id", "choice", "long_text")
CASE_COLUMNS = ("contact_email", "npi", "subject", "description")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = TEXT
    required: bool = True
    hint: str | None = None
    max_length: int = 100
    choices: tuple[str, ...] = ()
    disabled: bool = False  # shown for the seed's sake, never submitted or stored
    default: str | None = None  # "user_email", "default_npi" or "payer_id": filled in by the form


@dataclass(frozen=True)
class Section:
    title: str | None
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class CaseType:
    slug: str
    label: str
    queue_slug: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def fields(self) -> list[FieldSpec]:
        return [spec for section in self.sections for spec in section.fields]

    @property
    def heading(self) -> str:
        return f"New {self.label} Case"


CONTACT_EMAIL = FieldSpec("contact_email", "Contact Email", EMAIL, max_length=254, default="user_email",
                          hint="Where we can reach you about this case.")
NPI_FIELD = FieldSpec("npi", "NPI", NPI, max_length=10, default="default_npi",
                      hint="10 digits: one of your providers' NPIs.")
SUBJECT = FieldSpec("subject", "Subject", max_length=200, hint="A short summary of the issue.")
DESCRIPTION = FieldSpec("description", "Description", LONG_TEXT, max_length=4000,
                        hint="Describe the issue briefly.")
PATIENT_NAME = FieldSpec("patient_name", "Patient Name", hint="The subscriber's or patient's name.")
MEMBER_ID = FieldSpec("member_id", "Member ID", max_length=30,
                      hint="The plan's member identifier for the subscriber (letters and digits).")
DATE_OF_SERVICE = FieldSpec("date_of_service", "Date of Service", DATE_OR_RANGE, max_length=30,
                            hint="MM/DD/YYYY, or a range: MM/DD/YYYY - MM/DD/YYYY.")
DESCRIPTION_SECTION = Section("Description Information", (SUBJECT, DESCRIPTION))
CONTACT_SECTION = Section(None, (CONTACT_EMAIL, NPI_FIELD))

CLAIM_ACTIONS = ("Claim status", "Payment question", "Denial question", "Reprocessing request",
                 "Other")
ENROLLMENT_REQUESTS = ("New enrollment", "Change of information", "Add a practitioner",
                       "End enrollment")

CASE_TYPES: dict[str, CaseType] = {case_type.slug: case_type for case_type in (
    CaseType("claim", "Claim", "claims-inquiry", (
        CONTACT_SECTION,
        Section("Case Information", (FieldSpec("action", "Action", CHOICE, choices=CLAIM_ACTIONS),)),
        Section("Claim Information", (
            FieldSpec("payer_id", "Payer ID", max_length=20, default="payer_id",
                      hint="The plan's Payer ID."),
            PATIENT_NAME,
            MEMBER_ID,
            DATE_OF_SERVICE,
            FieldSpec("billed_amount", "Billed Amount", MONEY, max_length=20,
                      hint="Total claim charge, like 125.50."),
            FieldSpec("date_submitted", "Date Submitted", DATE, max_length=10,
                      hint="The date the claim was sent, MM/DD/YYYY."),
            FieldSpec("ect_number", "ECT Number", required=False, disabled=True, hint="Do not use"),
            FieldSpec("patient_account_number", "Patient Account Number", max_length=30,
                      hint="Your office's own number for the patient's record."),
        )),
        DESCRIPTION_SECTION,
    )),
    CaseType("eligibility", "Eligibility", "eligibility", (
        CONTACT_SECTION,
        Section("Member Information", (
            PATIENT_NAME,
            MEMBER_ID,
            FieldSpec("date_of_birth", "Date of Birth", DATE, max_length=10, hint="MM/DD/YYYY."),
            FieldSpec(DATE_OF_SERVICE.name, DATE_OF_SERVICE.label, DATE_OR_RANGE, required=False,
                      max_length=30, hint=DATE_OF_SERVICE.hint),
        )),
        DESCRIPTION_SECTION,
    )),
    CaseType("enrollment", "Enrollment", "en-enrollments", (
        CONTACT_SECTION,
        Section("Enrollment Information", (
            FieldSpec("enrollment_request", "Request", CHOICE, choices=ENROLLMENT_REQUESTS),
            FieldSpec("tax_id", "Tax ID", TAX_ID, max_length=11,
                      hint="9 digits; shorter numbers get leading zeros (123456 = 000123456)."),
        )),
        DESCRIPTION_SECTION,
    )),
    CaseType("general", "General Question", "provider-customer-service", (
        CONTACT_SECTION,
        DESCRIPTION_SECTION,
    )),
)}


def case_type_of(slug: str | None) -> CaseType | None:
    return CASE_TYPES.get(slug or "")

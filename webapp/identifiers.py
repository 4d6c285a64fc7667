"""Health-plan identifiers: how to check and normalise them. An NPI is 10 digits whose last is
a Luhn check digit computed over 80840 + the first nine (CMS NPI standard); a Tax ID is 9 digits."""
from __future__ import annotations

import re

_DIGITS = re.compile(r"\d+")
NPI_PREFIX = "80840"  # card issuer prefix the NPI check digit is computed over


def luhn_check_digit(digits: str) -> int:
    """Luhn check digit for a string of digits (the check digit itself not included)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: every second digit counting from the right of the payload
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def is_valid_npi(value: str | None) -> bool:
    """10 digits whose last digit is the Luhn check digit over 80840 + the first nine."""
    if not value or len(value) != 10 or not value.isascii() or not value.isdigit():
        return False
    return luhn_check_digit(NPI_PREFIX + value[:9]) == int(value[9])


def is_valid_tax_id(value: str | None) -> bool:
    """Exactly nine ASCII digits (kept as text: leading zeros are significant)."""
    return bool(value) and len(value) == 9 and value.isascii() and value.isdigit()


def clean_digits(value: str | None) -> str:
    """Drop the separators people type (spaces, dashes): '12-3456789' -> '123456789'."""
    if not value:
        return ""
    return re.sub(r"[\s\-]", "", value)


def pad_tax_id(value: str) -> str:
    """Left-pad a short Tax ID with zeros, only where a form says it does (SPARCS PFI)."""
    digits = clean_digits(value)
    if digits.isascii() and digits.isdigit() and len(digits) < 9:
        return digits.zfill(9)
    return digits

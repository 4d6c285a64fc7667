import pytest

from webapp.identifiers import is_valid_npi, is_valid_tax_id, luhn_check_digit, pad_tax_id


@pytest.mark.parametrize("npi", ["1234567893", "1987654328", "1555555550"])
def test_valid_npis(npi):
    assert is_valid_npi(npi)


@pytest.mark.parametrize("npi", [
    "1234567890",   # wrong check digit
    "1234567894",
    "123456789",    # 9 digits
    "12345678930",  # 11 digits
    "12345678a3",
    "１２３４５６７８９３",  # full-width digits are not ASCII digits
    "",
    None,
])
def test_invalid_npis(npi):
    assert not is_valid_npi(npi)


def test_check_digit_is_computed_over_the_80840_prefix():
    assert luhn_check_digit("80840" + "123456789") == 3
    assert luhn_check_digit("123456789") != 3  # without the prefix the digit differs


@pytest.mark.parametrize("tax_id", ["000123456", "123456789"])
def test_valid_tax_ids(tax_id):
    assert is_valid_tax_id(tax_id)


@pytest.mark.parametrize("tax_id", ["123456", "1234567890", "12345678a", "12-345678", "", None])
def test_invalid_tax_ids(tax_id):
    assert not is_valid_tax_id(tax_id)


def test_padding_only_when_asked():
    assert pad_tax_id("123456") == "000123456"
    assert pad_tax_id("12-3456789") == "123456789"
    assert not is_valid_tax_id("123456")  # validation itself never pads

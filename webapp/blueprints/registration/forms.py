import re
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from webapp.blueprints.account.forms import strip, validate_phone
from webapp.identifiers import clean_digits, is_valid_npi
from webapp.providers.identity import CLAIMS, SSN, TIN, IdentityProof


class DetailsForm(FlaskForm):
    full_name = StringField("Full name", filters=[strip], validators=[
        DataRequired("Enter your full name."), Length(max=160, message="Full name must be 160 characters or fewer.")])
    office_address = TextAreaField("Provider's full address", filters=[strip], validators=[
        DataRequired("Enter the provider's full address."),
        Length(max=300, message="The address must be 300 characters or fewer.")])
    mobile_phone = StringField("Mobile number", filters=[strip], validators=[
        DataRequired("Enter your mobile number."), validate_phone])
    email = StringField("Email address", filters=[strip], validators=[
        DataRequired("Enter your email address."), Length(max=254),
        Email("Enter an email address like name@example.com.", check_deliverability=False)])
    position = StringField("Position", filters=[strip], validators=[
        DataRequired("Enter your position, for example Billing Specialist."), Length(max=120)])
    submit = SubmitField("Next")

    def validate_full_name(self, field):
        if len(field.data.split()) < 2:
            raise ValidationError("Enter your first and last name.")


class TermsForm(FlaskForm):
    read_terms = BooleanField("I have read the terms")
    submit = SubmitField("Accept")

    def validate_read_terms(self, field):
        if not field.data:
            raise ValidationError("Read the terms to the end before accepting them.")


class SubmitRequestForm(FlaskForm):
    submit = SubmitField("Submit")


class DecisionForm(FlaskForm):
    reason = TextAreaField("Reason (optional)", filters=[strip], validators=[
        Optional(), Length(max=500, message="The reason must be 500 characters or fewer.")])
    replace_administrator = BooleanField("Replace current administrator: make this user the Local Office Administrator")
    approve = SubmitField("Approve")
    reject = SubmitField("Reject")


class TokenForm(FlaskForm):
    token = HiddenField()


# --- identity verification ---------------------------------------------------------------------

def _digits_field(label, count, message):
    def check(form, field):
        if not field.data:
            return
        digits = clean_digits(field.data)
        if len(digits) != count or not digits.isascii() or not digits.isdigit():
            raise ValidationError(message)
        field.data = digits
    return StringField(label, filters=[strip], validators=[Optional(), Length(max=40, message=message), check])


def _money(form, field):
    """'$1,234.50' -> 123450 (cents); a positive amount with at most two decimals."""
    if not field.data:
        return
    text = field.data.replace("$", "").replace(",", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError("Enter the billed amount in dollars and cents, like 195.00.") from None
    # The range first: quantize() raises on huge values like 1E30.
    if not amount.is_finite() or amount <= 0 or amount >= 10 ** 9 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError("Enter the billed amount in dollars and cents, like 195.00.")
    field.cents = int(amount * 100)


def _claim_number(form, field):
    if field.data and not re.fullmatch(r"[A-Za-z0-9-]{1,20}", field.data):
        raise ValidationError("Enter the claim number as it appears on the claim, letters and digits only.")


PROOF_CHOICES = [SelectChoice(SSN, "Last four digits of the SSN (individual)"),
                 SelectChoice(TIN, "Tax ID (group)"),
                 SelectChoice(CLAIMS, "Two recent claims")]


REQUIRED_MESSAGES = {
    "ssn_last4": "Enter the last four digits of the SSN.",
    "tax_id": "Enter the Tax ID.",
    "claim_1_number": "Enter the claim number of the first claim.",
    "claim_1_billed": "Enter the billed amount of the first claim.",
    "claim_2_number": "Enter the claim number of the second claim.",
    "claim_2_billed": "Enter the billed amount of the second claim.",
    "answer_1": "Enter the answer to the first question.",
    "answer_2": "Enter the answer to the second question.",
}


class IdentityForm(FlaskForm):
    """NPI plus one proof; on behalf of the provider also the provider's email address. The proof
    values are never shown back (the SSN field is a password field; the page keeps no proof)."""
    npi = StringField("NPI", filters=[strip], validators=[DataRequired("Enter the provider's NPI."), Length(max=40)])
    proof = RadioField("Proof of identity", choices=PROOF_CHOICES, default=SSN,
                       validators=[DataRequired("Choose how you prove the provider's identity.")])
    ssn_last4 = PasswordField("Last four digits of the SSN", filters=[strip], validators=[Optional(), Length(max=40)])
    tax_id = _digits_field("Tax ID (TIN)", 9, "Enter the Tax ID as exactly 9 digits, like 000123456.")
    claim_1_number = StringField("First claim: claim number", filters=[strip],
                                 validators=[Optional(), Length(max=40), _claim_number])
    claim_1_billed = StringField("First claim: billed amount", filters=[strip], validators=[Optional(), Length(max=40), _money])
    claim_2_number = StringField("Second claim: claim number", filters=[strip],
                                 validators=[Optional(), Length(max=40), _claim_number])
    claim_2_billed = StringField("Second claim: billed amount", filters=[strip], validators=[Optional(), Length(max=40), _money])
    provider_email = StringField("Provider's email address", filters=[strip], validators=[
        Optional(), Length(max=254), Email("Enter an email address like name@example.com.", check_deliverability=False)])
    submit = SubmitField("Next")

    def __init__(self, *args, on_behalf: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_behalf = on_behalf
        if not on_behalf:  # the provider themselves: the last four of their SSN, or their TIN
            self.proof.choices = PROOF_CHOICES[:2]

    def validate_npi(self, field):
        digits = clean_digits(field.data)
        if not is_valid_npi(digits):
            raise ValidationError("Enter the 10-digit NPI, like 1234567893.")
        field.data = digits

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        needed = {SSN: [self.ssn_last4], TIN: [self.tax_id],
                  CLAIMS: [self.claim_1_number, self.claim_1_billed, self.claim_2_number, self.claim_2_billed]}
        for item in needed.get(self.proof.data, []):
            if not item.data and not item.errors:
                item.errors = list(item.errors) + [REQUIRED_MESSAGES[item.name]]
                ok = False
        if self.proof.data == SSN and self.ssn_last4.data:
            digits = clean_digits(self.ssn_last4.data)
            if len(digits) != 4 or not digits.isascii() or not digits.isdigit():
                self.ssn_last4.errors = list(self.ssn_last4.errors) + ["Enter the last four digits of the SSN, like 1234."]
                ok = False
            else:
                self.ssn_last4.data = digits
        if self.on_behalf and not self.provider_email.data and not self.provider_email.errors:
            self.provider_email.errors = list(self.provider_email.errors) + ["Enter the provider's email address."]
            ok = False
        return ok

    def identity_proof(self) -> IdentityProof:
        claims = []
        if self.proof.data == CLAIMS:
            claims = [(self.claim_1_number.data.upper(), self.claim_1_billed.cents),
                      (self.claim_2_number.data.upper(), self.claim_2_billed.cents)]
        return IdentityProof(npi=self.npi.data, method=self.proof.data, ssn_last4=self.ssn_last4.data or "",
                             tax_id=self.tax_id.data or "", claims=claims,
                             provider_email=(self.provider_email.data or "") if self.on_behalf else "")


class ReplaceAdministratorForm(FlaskForm):
    replace = SubmitField("Replace current SAA")
    cancel = SubmitField("Cancel to start over")


class SecurityCheckForm(FlaskForm):
    """The user's own security questions (labels are the questions, set by the view)."""
    answer_1 = StringField("Answer 1", filters=[strip], validators=[
        DataRequired("Enter the answer to the first question."), Length(max=100)])
    answer_2 = StringField("Answer 2", filters=[strip], validators=[
        DataRequired("Enter the answer to the second question."), Length(max=100)])
    submit = SubmitField("Next")


class ProviderDecisionForm(DecisionForm):
    """The provider's decision by the emailed link. Approving needs the provider's own check: the
    answers to their security questions, or else the last four of their SSN / their Tax ID."""
    answer_1 = StringField("Answer 1", filters=[strip], validators=[Optional(), Length(max=100)])
    answer_2 = StringField("Answer 2", filters=[strip], validators=[Optional(), Length(max=100)])
    ssn_last4 = PasswordField("Last four digits of your SSN", filters=[strip], validators=[Optional(), Length(max=40)])
    tax_id = _digits_field("Tax ID (TIN)", 9, "Enter the Tax ID as exactly 9 digits, like 000123456.")
    REQUIRED = {"ssn_last4": "Enter the last four digits of your SSN.", "tax_id": "Enter your Tax ID."}

    def require(self, names: list[str]) -> bool:
        """On Approve, the fields of the check shown must be filled in."""
        ok = True
        if self.approve.data:
            for name in names:
                item = self[name]
                if not item.data and not item.errors:
                    item.errors = list(item.errors) + [self.REQUIRED.get(name) or REQUIRED_MESSAGES[name]]
                    ok = False
        return ok

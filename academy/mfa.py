"""TOTP codes that work once, whichever process checks them.

allauth remembers a used code in the cache for one 30-second period, while the tolerance in
settings (MFA_TOTP_TOLERANCE) accepts each code for three; and without Redis the cache is each
process's own. Here the database holds, per user, the latest time step whose code was accepted,
and a code is accepted only for a later step. One conditional UPDATE decides, so two processes
checking the same code at the same moment cannot both accept it. The cost: after using a code,
the next login waits for the next code (at most 30 seconds).
"""

from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa.adapter import get_adapter
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from allauth.mfa.totp.internal import auth as totp
from allauth.mfa.utils import decrypt

from academy.models import TotpLastStep


def matching_step(secret: str, code: str) -> int | None:
    """The latest time step within the tolerance whose code is this one, or None."""
    for step in sorted(totp.yield_hotp_counters_from_time(), reverse=True):
        expected = totp.format_hotp_value(totp.hotp_value(secret, step))
        if compare_user_code(actual=code, expected=expected):
            return step
    return None


def claim_totp_step(*, user_id: int, step: int) -> bool:
    """True if no code of this step or a later one was accepted for the user before; the step is
    then recorded. Safe to call concurrently: exactly one caller gets True for a step."""
    TotpLastStep.objects.bulk_create(
        [TotpLastStep(user_id=user_id, step=-1)], ignore_conflicts=True
    )
    return TotpLastStep.objects.filter(user_id=user_id, step__lt=step).update(step=step) == 1


def accept_code_once(secret: str, code: str, *, user_id: int) -> bool:
    step = matching_step(secret, code)
    return step is not None and claim_totp_step(user_id=user_id, step=step)


def validate_code(self: totp.TOTP, code: str) -> bool:
    """Replaces allauth's TOTP.validate_code (installed in academy/apps.py): its cache-based
    "used" mark lasts one period and is per process without Redis."""
    secret = decrypt(self.instance.data["secret"])
    return accept_code_once(secret, code, user_id=self.instance.user_id)


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """The code that turns TOTP on is a used code too: it does not also log in a minute later."""

    def clean_code(self) -> str:
        code: str = super().clean_code()
        if not accept_code_once(self.secret, code, user_id=self.user.pk):
            raise get_adapter().validation_error("incorrect_code")
        return code

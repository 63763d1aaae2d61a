"""TOTP multi-factor authentication (django-otp): who needs it, enrolment, recovery codes."""

from __future__ import annotations

import io
from typing import Literal

import qrcode
import qrcode.image.svg
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import mfa_required_for

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def has_confirmed_device(user: object) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_state(request: HttpRequest) -> Literal["ok", "verify", "enroll"]:
    """What stands between a signed-in user and the app: nothing, the code step, or enrolment."""
    user = request.user
    # Right after login() in the same request, request.user lacks OTPMiddleware's is_verified.
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return "ok"
    if has_confirmed_device(user):
        return "verify"
    if mfa_required_for(user):  # type: ignore[arg-type]
        return "enroll"
    return "ok"


def pending_totp_device(user: object) -> TOTPDevice:
    """The unconfirmed device an enrolment page shows; the same one until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def qr_svg(data: str) -> str:
    """An inline SVG QR code: no image request, nothing for the CSP to allow."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]


def issue_recovery_codes(user: object) -> list[str]:
    """Replace the user's recovery codes with fresh ones; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remove_devices(user: object) -> int:
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    removed_static, _ = StaticDevice.objects.filter(user=user).delete()
    return removed + removed_static

"""TOTP multi-factor authentication (django-otp): who needs it, enrolment, recovery codes."""

from __future__ import annotations

import io
import time
from typing import Literal

import qrcode
import qrcode.image.svg
from django.http import HttpRequest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .models import User
from .roles import mfa_required_for

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def has_confirmed_device(user: object) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def mfa_state(request: HttpRequest) -> Literal["ok", "verify", "enroll"]:
    """What stands between a signed-in user and the app: nothing, the code step, or enrolment.
    Asked by the access middleware and the navigation on every page: answered once a request."""
    cached = getattr(request, "_praxis_mfa_state", None)
    if cached is not None and cached[0] is request.user:
        return cached[1]  # type: ignore[no-any-return]
    state = _mfa_state(request)
    request._praxis_mfa_state = (request.user, state)  # type: ignore[attr-defined]
    return state


def forget_state(request: HttpRequest) -> None:
    """After the MFA step succeeded within this request, the cached answer is stale."""
    request.__dict__.pop("_praxis_mfa_state", None)


def _mfa_state(request: HttpRequest) -> Literal["ok", "verify", "enroll"]:
    user = request.user
    # Right after login() in the same request, request.user lacks OTPMiddleware's is_verified.
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return "ok"
    if has_confirmed_device(user):
        return "verify"
    if isinstance(user, User) and mfa_required_for(user):
        return "enroll"
    return "ok"


PENDING_KEY_SESSION = "praxis_pending_totp_key"


def pending_totp_device(request: HttpRequest) -> TOTPDevice:
    """The device the enrolment page shows, *unsaved*: its key waits in the session until the
    user proves it works (so showing the page writes nothing, and abandoning it leaves nothing)."""
    key = request.session.get(PENDING_KEY_SESSION)
    if not key:
        key = random_hex(20)
        request.session[PENDING_KEY_SESSION] = key
    return TOTPDevice(user=request.user, name=TOTP_DEVICE_NAME, key=key, confirmed=False)


def forget_pending_device(request: HttpRequest) -> None:
    """Enrolment is done: the session no longer needs the key it kept for the page."""
    request.session.pop(PENDING_KEY_SESSION, None)


def matching_step(device: TOTPDevice, token: str) -> int | None:
    """The time step at which ``token`` is the device's code (one step of drift allowed either
    way), or None when it is not a current code. Reads only: enrolment saves the device."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    try:
        code = int(token)
    except ValueError:
        return None
    if not totp.verify(code, tolerance=1):
        return None
    return int(totp.t())


def qr_svg(data: str) -> str:
    """An inline SVG QR code: no image request, nothing for the CSP to allow."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def issue_recovery_codes(user: object) -> list[str]:
    """Replace the user's recovery codes with fresh ones; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remove_devices(user: object) -> int:
    # delete() also counts cascaded rows (each recovery code); count the devices only.
    _, totp = TOTPDevice.objects.filter(user=user).delete()
    _, static = StaticDevice.objects.filter(user=user).delete()
    return int(totp.get(TOTPDevice._meta.label, 0) + static.get(StaticDevice._meta.label, 0))

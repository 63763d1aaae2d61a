"""The people our tests are about. Each persona is a user of one practice with one role:

admin_ada (Practice Administrator), manager_max (Practice Manager), frontdesk_fay (Front Desk),
biller_bo (Biller/Coder), dr_dana (Provider), clinical_cleo (Clinical Staff), hr_hana (HR),
compliance_cole (Compliance Officer), and outsider_otto, signed in but holding no role.
"""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from praxis.core import roles
from praxis.core.models import Practice, User

from .factories import UserFactory

PASSWORD = "correct horse battery staple"

PERSONAS: dict[str, tuple[str, roles.Role | None]] = {
    "admin_ada": ("Ada Alvarez", roles.ADMINISTRATOR),
    "manager_max": ("Max Morgan", roles.MANAGER),
    "frontdesk_fay": ("Fay Fischer", roles.FRONT_DESK),
    "biller_bo": ("Bo Bennett", roles.BILLER),
    "dr_dana": ("Dana Dubois", roles.PROVIDER),
    "clinical_cleo": ("Cleo Clark", roles.CLINICAL),
    "hr_hana": ("Hana Haddad", roles.HR),
    "compliance_cole": ("Cole Carter", roles.COMPLIANCE),
    "outsider_otto": ("Otto Olsen", None),
}


def make_persona(name: str, practice: Practice) -> User:
    full_name, role = PERSONAS[name]
    user: User = UserFactory.create(
        email=f"{name}@example.org",
        full_name=full_name,
        practice=practice,
        password=PASSWORD,
        roles=[role] if role else [],
    )
    if role is not None and role.mfa_required:
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def sign_in(client: object, user: User) -> None:
    """Sign a Django test client in as ``user``, past the MFA step when they have a device."""
    client.force_login(user)  # type: ignore[attr-defined]
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session  # type: ignore[attr-defined]
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

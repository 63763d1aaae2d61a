"""Core records: the practice and its locations, users and their sessions and API tokens, the
audit trail and the daily-job ledger."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .constants import PLACE_OF_SERVICE, US_STATES
from .validators import (
    validate_npi,
    validate_phone,
    validate_postal_code,
    validate_taxonomy,
    validate_time_zone,
    validate_tin,
)


def address_text(holder: Any) -> str:
    """A postal address on one line ("12 Elm St, Apt 2, Burlington, VT 05401"); empty when it has
    no street line. Used for practices, locations and patients alike."""
    if not holder.address_line1:
        return ""
    street = ", ".join(p for p in (holder.address_line1, holder.address_line2) if p)
    place = " ".join(p for p in (holder.state, holder.postal_code) if p)
    return ", ".join(p for p in (street, holder.city, place) if p)


class PostalAddress(models.Model):
    address_line1 = models.CharField("address", max_length=128)
    address_line2 = models.CharField("address line 2", max_length=128, blank=True)
    city = models.CharField(max_length=64)
    state = models.CharField(max_length=2, choices=US_STATES)
    postal_code = models.CharField("ZIP code", max_length=10, validators=[validate_postal_code])

    class Meta:
        abstract = True

    @property
    def address_text(self) -> str:
        return address_text(self)


class Practice(PostalAddress):
    name = models.CharField("practice name", max_length=128, help_text="Name patients know.")
    legal_name = models.CharField(max_length=128, help_text="As registered with the IRS.")
    group_npi = models.CharField(
        "group NPI", max_length=10, validators=[validate_npi], help_text="Type 2 NPI, 10 digits."
    )
    tin = models.CharField(
        "tax id (EIN)", max_length=10, validators=[validate_tin], help_text="e.g. 12-3456789"
    )
    taxonomy_code = models.CharField(
        max_length=10, validators=[validate_taxonomy], help_text="e.g. 207Q00000X"
    )
    phone = models.CharField(max_length=20, validators=[validate_phone])
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    clock_24h = models.BooleanField(
        "24-hour clock",
        default=False,
        help_text="Show times as 13:30 instead of 1:30 PM on pages, printouts and messages.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        default_permissions = ()
        permissions = [
            ("manage_practice", "Edit the practice's legal and billing identity"),
            ("view_admin_home", "See the Practice Administrator home"),
            ("view_manager_home", "See the Practice Manager home"),
        ]

    def __str__(self) -> str:
        return self.name


class Location(PostalAddress):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(max_length=128)
    place_of_service = models.CharField(
        "place of service", max_length=2, choices=PLACE_OF_SERVICE, default="11"
    )
    phone = models.CharField(max_length=20, blank=True, validators=[validate_phone])
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        default_permissions = ()
        permissions = [("manage_locations", "Manage locations and rooms")]
        constraints = [
            models.UniqueConstraint("practice", Lower("name"), name="location_name_unique")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint("location", Lower("name"), name="room_name_unique")]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.location.name} · {self.name}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Roles are Django groups kept in step with ``core.roles``."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=128)
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        default_permissions = ()
        permissions = [("manage_users", "Invite users, assign roles, deactivate, reset MFA")]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        # No Django admin site: nobody is "staff" in Django's sense.
        return False


class UserSession(models.Model):
    """One row per signed-in browser session, so a deactivation can end them all at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"session of user {self.user_id}"


def api_token_expiry() -> datetime:
    """When a token made now expires at the latest (PRAXIS_API_TOKEN_DAYS, 90 by default)."""
    return timezone.now() + timedelta(days=settings.PRAXIS_API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 of the secret is kept; the secret is shown once.
    Every token expires: a forgotten one in a script must not work for years."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64)
    prefix = models.CharField(max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=api_token_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        permissions = [("use_api", "Create personal API tokens and use the API")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """Append-only record of PHI access and state changes.

    Rows are only ever inserted (``praxis.core.audit.record``), with no lock and no read, so
    writers never wait on each other for the trail. A sealer later chains each committed event
    into the hash chain (``AuditSeal``); database triggers refuse UPDATE and DELETE on both
    tables, and ``praxis audit verify`` re-computes the chain to find rows changed behind the
    application's back.
    """

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    # Whose trail the event is in: the practice of the record or the person it is about. Empty
    # for what belongs to the installation (a backup, a sign-in with an unknown e-mail address).
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=128, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    patient_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        default_permissions = ()
        permissions = [("view_audit", "View and export the audit trail")]
        indexes = [models.Index(fields=["actor", "occurred_at"], name="audit_actor_time")]
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action}"

    @property
    def hash(self) -> str:
        """The chain hash of this event's seal; empty until the sealer has reached it (load
        lists with ``select_related("seal")``)."""
        try:
            return self.seal.hash
        except AuditSeal.DoesNotExist:
            return ""


class AuditSeal(models.Model):
    """One link of the audit hash chain: event ``event`` is number ``seq`` of the chain.

    Written only by the sealer (``praxis.core.audit_chain.seal_pending``), one at a time, in the
    order it found events committed; ``hash`` is HMAC-SHA256, under the audit key named ``key_id``,
    over ``prev_hash`` (the seal before), the event's id and fields, ``sealed_at`` and the key id.
    Seals made before the chain was keyed have no key id and an unkeyed SHA-256. Insert-only,
    like the events.
    """

    seq = models.BigIntegerField(primary_key=True)
    # DO_NOTHING: the database refuses to delete an event at all (triggers), sealed or not.
    event = models.OneToOneField(AuditEvent, on_delete=models.DO_NOTHING, related_name="seal")
    sealed_at = models.DateTimeField(db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which audit key (settings.PRAXIS_AUDIT_KEYS) made the hash; "" for a legacy unkeyed seal.
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        default_permissions = ()
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"seal {self.seq} of event {self.event_id}"


class DailyJobRun(models.Model):
    """A claim on one daily job for one local date; the unique constraint makes it run once."""

    job = models.CharField(max_length=64)
    run_date = models.DateField()
    claimed_by = models.CharField(max_length=64)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, blank=True)  # "ok" | "failed"
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["job", "run_date"], name="daily_job_once_per_day")
        ]
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.job} {self.run_date}"

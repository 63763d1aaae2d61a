"""Scheduling: providers, resources, appointment types, availability and appointments.

Times of day in availability templates are local wall-clock times at the template's location;
every other instant is stored in UTC. No double booking is enforced by the database: on
PostgreSQL by exclusion constraints over (provider, tstzrange) and (resource, tstzrange) for
active appointments (migration 0002), on SQLite by the booking service's check-and-insert inside
one IMMEDIATE transaction.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from praxis.core.models import Location, Practice, Room, User
from praxis.core.validators import validate_npi, validate_taxonomy
from praxis.patients.models import Patient

validate_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "A color is written #rrggbb.")

# Slot search reads busy intervals with `start >= range_start - MAX_APPOINTMENT_LENGTH`, which
# keeps the (provider, start) index range tight; the type's duration validator holds the bound.
MAX_APPOINTMENT_MINUTES = 720
MAX_APPOINTMENT_LENGTH = timedelta(minutes=MAX_APPOINTMENT_MINUTES)


class Provider(models.Model):
    """Someone patients book with: a physician, NP, PA, therapist. May or may not sign in."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="providers")
    user = models.OneToOneField(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provider_profile",
        help_text="The provider's own sign-in, if they have one.",
    )
    display_name = models.CharField(max_length=128, help_text="As patients see it: Dr. Dana Dubois")
    npi = models.CharField(
        "individual NPI", max_length=10, validators=[validate_npi], help_text="Type 1, 10 digits."
    )
    taxonomy_code = models.CharField(max_length=10, blank=True, validators=[validate_taxonomy])
    credentials = models.CharField(max_length=64, blank=True, help_text="e.g. MD, DO, NP-C")
    colour = models.CharField(
        "color", max_length=7, default="#2f6fb0", validators=[validate_colour]
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["practice", "npi"], name="provider_npi_unique"),
        ]
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name


class Resource(models.Model):
    """A room or a piece of equipment that a visit type needs and that cannot be double-booked."""

    class Kind(models.TextChoices):
        ROOM = "room", "Room"
        EQUIPMENT = "equipment", "Equipment"

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="resources")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=64)
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        help_text="For a room: the location's room it is.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint("location", Lower("name"), name="resource_name_unique"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AppointmentType(models.Model):
    """What is booked: its length, who offers it, and the rooms or equipment it needs.

    Required resources: a visit needs *one* of the listed rooms at its location (rooms are
    interchangeable), and *every* listed piece of equipment at its location.
    """

    class VisitMode(models.TextChoices):
        IN_OFFICE = "in_office", "In office"
        TELEHEALTH = "telehealth", "Telehealth"
        HOME_VISIT = "home_visit", "Home visit"

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="appointment_types"
    )
    name = models.CharField(max_length=64)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(MAX_APPOINTMENT_MINUTES)]
    )
    colour = models.CharField(
        "color", max_length=7, default="#5a8f3d", validators=[validate_colour]
    )
    visit_mode = models.CharField(
        max_length=16, choices=VisitMode.choices, default=VisitMode.IN_OFFICE
    )
    providers = models.ManyToManyField(Provider, blank=True, related_name="appointment_types")
    required_resources = models.ManyToManyField(Resource, blank=True, related_name="+")
    for_new_patients = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint("practice", Lower("name"), name="appointment_type_name_unique"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


class AvailabilityTemplate(models.Model):
    """A provider's regular weekly hours at a location, in the location's wall-clock time."""

    class Weekday(models.IntegerChoices):  # date.weekday()
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="templates")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField(help_text="Local time at the location")
    end_time = models.TimeField(help_text="Local time at the location")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="Last day; empty: open-ended")
    allowed_types = models.ManyToManyField(
        AppointmentType, blank=True, related_name="+", help_text="Empty: every type offered"
    )

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="template_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="template_effective_range",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="template_weekday_range"
            ),
        ]
        indexes = [models.Index(fields=["provider", "weekday"], name="template_provider_day")]
        ordering = ["provider", "weekday", "start_time"]

    def __str__(self) -> str:
        return f"{self.provider} {self.get_weekday_display()} {self.start_time}-{self.end_time}"


class AvailabilityException(models.Model):
    """A change to the regular hours: time off or a holiday closes time, an extra session opens
    it. Without a location, time off applies at every location."""

    class Kind(models.TextChoices):
        TIME_OFF = "time_off", "Time off"
        HOLIDAY = "holiday", "Holiday"
        EXTRA_SESSION = "extra_session", "Extra session"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="exceptions")
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="exception_end_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="extra_session") | models.Q(location__isnull=False),
                name="extra_session_has_location",
            ),
        ]
        indexes = [models.Index(fields=["provider", "start"], name="exception_provider_start")]
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.provider} {self.start:%Y-%m-%d %H:%M}"


class RecurringSeries(models.Model):
    """Appointments booked together by a rule: every `interval` weeks, `count` times."""

    class Rule(models.TextChoices):
        WEEKLY = "weekly", "Weekly"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(max_length=16, choices=Rule.choices, default=Rule.WEEKLY)
    interval = models.PositiveSmallIntegerField(default=1)
    count = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"every {self.interval} week(s), {self.count} times"


class Appointment(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CONFIRMED = "confirmed", "Confirmed"
        ARRIVED = "arrived", "Arrived"
        IN_ROOM = "in_room", "In room"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Canceled"
        NO_SHOW = "no_show", "No-show"

    class CancelReason(models.TextChoices):
        # Why visits are canceled, counted by the Manager; "other" needs words.
        PATIENT = "patient", "Patient canceled"
        PATIENT_ILL = "patient_ill", "Patient is ill"
        PROVIDER = "provider", "Provider unavailable"
        WEATHER = "weather", "Weather or office closed"
        TRANSPORT = "transport", "No transportation"
        REMINDER_REPLY = "reminder_reply", "Patient replied to a reminder"
        OTHER = "other", "Other"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    resources = models.ManyToManyField(
        Resource, through="AppointmentResource", related_name="appointments", blank=True
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    roomed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # db_default: rows written without it (bulk loads, raw baselines) read as "no reason".
    cancel_reason_code = models.CharField(
        max_length=16, choices=CancelReason.choices, blank=True, db_default=""
    )
    cancel_reason = models.CharField(max_length=255, blank=True)  # in words: the details
    late_cancel = models.BooleanField(default=False)
    series = models.ForeignKey(
        RecurringSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    booked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set by booking, never stored: the staff app's warning about the provider's license.
    license_warning = ""
    history = HistoricalRecords()

    class Meta:
        default_permissions = ()
        permissions = [
            ("view_schedule", "See calendars and appointments"),
            ("book_appointment", "Book, reschedule and cancel appointments"),
            ("update_appointment_status", "Check in, room and complete visits"),
            (
                "manage_scheduling_setup",
                "Set up providers, resources, appointment types and availability",
            ),
            ("view_readiness_board", "See the ready-for-tomorrow board"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="appointment_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "start"], name="appointment_provider_start"),
            models.Index(fields=["location", "start"], name="appointment_location_start"),
            models.Index(fields=["practice", "start"], name="appointment_practice_start"),
            models.Index(fields=["patient", "start"], name="appointment_patient_start"),
            models.Index(fields=["status"], name="appointment_status"),
            # billing's queue: the practice's completed visits, oldest first
            models.Index(
                fields=["practice", "status", "start"], name="appointment_practice_status"
            ),
        ]
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.appointment_type} with {self.provider} at {self.start:%Y-%m-%d %H:%M}Z"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


# The statuses that hold the provider's and the resources' time. A cancelled visit frees it; so
# does a no-show, so the rest of the hour can still go to a walk-in. Migration 0002 spells the
# same list out in SQL for the exclusion constraints.
ACTIVE_STATUSES: tuple[str, ...] = (
    Appointment.Status.SCHEDULED,
    Appointment.Status.CONFIRMED,
    Appointment.Status.ARRIVED,
    Appointment.Status.IN_ROOM,
    Appointment.Status.COMPLETED,
)
# The statuses that mean the patient came: they make a patient "established".
SEEN_STATUSES: tuple[str, ...] = (
    Appointment.Status.ARRIVED,
    Appointment.Status.IN_ROOM,
    Appointment.Status.COMPLETED,
)


class AppointmentResource(models.Model):
    """A resource held by an appointment. `start`, `end` and `active` copy the appointment's so
    that the database can refuse two active holds of one resource at once."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="resource_holds"
    )
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="holds")
    start = models.DateTimeField()
    end = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "resource"], name="appointment_resource_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="resource_hold_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["resource", "start"], name="resource_hold_start")]

    def __str__(self) -> str:
        return f"{self.resource} for appointment {self.appointment_id}"


# --- reminders, calendar feeds and the waitlist ------------------------------------------------


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"


class ReminderRule(models.Model):
    """Remind patients `hours_before` a visit through one channel (the patient must consent)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    hours_before = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)]
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "hours_before", "channel"], name="reminder_rule_unique"
            ),
        ]
        ordering = ["-hours_before", "channel"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.hours_before} h before"


class ReminderSent(models.Model):
    """One reminder for one visit by one rule. The unique constraint is the claim: a worker
    inserts the row before sending, so two workers can never both send it. The row then goes
    claimed → sending → sent or failed; ``reminder_claims`` says when a claim left behind by a
    worker that stopped is taken over, and why a send left behind is not."""

    class Outcome(models.TextChoices):
        CLAIMED = "claimed", "Claimed"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown"

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    rule = models.ForeignKey(ReminderRule, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    claimed_at = models.DateTimeField(default=timezone.now)
    # One more each time an abandoned claim is taken over: the compare-and-set token.
    attempt = models.PositiveSmallIntegerField(default=1)
    sent_at = models.DateTimeField(null=True, blank=True)  # when the sender was called
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.CLAIMED)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "rule", "channel"], name="reminder_sent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} reminder for appointment {self.appointment_id}"


class ProviderFeedToken(models.Model):
    """A private calendar-feed URL for a provider. Only the SHA-256 of the token is kept; the
    URL is shown once, when it is made."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="feed_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"calendar feed of {self.provider}"


class WaitlistEntry(models.Model):
    """A patient who wants an earlier or any visit of a type, within dates and times of day."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered"
        BOOKED = "booked", "Booked"
        REMOVED = "removed", "Removed"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    earliest_date = models.DateField()
    latest_date = models.DateField()
    earliest_time = models.TimeField(null=True, blank=True, help_text="Local time; empty: any")
    latest_time = models.TimeField(null=True, blank=True, help_text="Local time; empty: any")
    note = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    booked_appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The desk's last offer (a phone call): which freed time, by whom, when. Booking it is
    # still a separate click.
    offered_opening = models.ForeignKey(
        "WaitlistOpening", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latest_date__gte=models.F("earliest_date")),
                name="waitlist_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["practice", "status"], name="waitlist_practice_status")]
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"waitlist entry {self.pk} ({self.appointment_type})"


class WaitlistOpening(models.Model):
    """Time freed by a cancellation, for the front desk to offer to the waitlist."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FILLED = "filled", "Filled"
        DISMISSED = "dismissed", "Dismissed"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    cancelled_appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="waitlist_opening"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        ordering = ["start"]

    def __str__(self) -> str:
        return f"opening with {self.provider} at {self.start:%Y-%m-%d %H:%M}Z"

"""PHI shown is PHI audited, by construction: while a request runs, every patient whose data is
read for it is collected, and the response writes ONE ``praxis.phi.read`` event naming them all.

Three things feed the collector:

- **the models**: ``watch_phi(Model, patient_of=...)`` (called by the app that owns the model, from
  its ``ready()``) puts a descriptor on each of the model's PHI fields; reading such a field while
  a request runs adds the record's patient. Templates, forms (``model_to_dict``), API schemas
  (pydantic reads attributes) and ``__str__`` all read fields, so nothing that shows a name, a
  date of birth or a member id can forget to feed. Ids (the primary key, foreign keys) are not
  PHI here and do not feed: a page may link to a patient by id without naming them.
- **views**, for what they show without reading a watched field (a document's bytes, a list of
  appointment times by patient id): ``shown(patient_id, obj=..., what=...)``, which also names
  the object and labels the read.
- **code that reads fields only to decide** (the duplicate matcher compares names of records it
  will not show) wraps that in ``unshown()``.

The middleware writes the event when the response carries a body (2xx or 4xx, not a redirect,
not 204/304, not HEAD): a form re-rendered with errors (400) shows the record as much as the page
does. 5xx pages show no patient data. The event holds ids only: the route name, method, status
and ``patient_ids`` in the order first read; ``patient_id`` (the trail's patient filter) when one
patient was shown. Why this shape: docs/adr/0005-phi-audit-by-construction.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.http import HttpRequest, HttpResponse

from . import audit

ACTION = "praxis.phi.read"


class Collector:
    """The patients (and the one object) a response shows, in the order first read."""

    __slots__ = ("labels", "objects", "patient_ids", "paused")

    def __init__(self) -> None:
        self.patient_ids: dict[int, None] = {}  # an ordered set
        self.objects: dict[tuple[str, str], None] = {}
        self.labels: dict[str, None] = {}
        self.paused = 0

    def add(self, patient_id: Any) -> None:
        if patient_id is not None and not self.paused:
            self.patient_ids.setdefault(int(patient_id), None)


_current: ContextVar[Collector | None] = ContextVar("praxis_phi_collector", default=None)


def current() -> Collector | None:
    return _current.get()


@contextmanager
def collecting() -> Iterator[Collector]:
    """Collect into a fresh collector (the middleware's; tasks and tests may use it too)."""
    collector = Collector()
    token = _current.set(collector)
    try:
        yield collector
    finally:
        _current.reset(token)


def shown(*patient_ids: Any, obj: Any = None, what: str = "") -> None:
    """Say that the response shows these patients' data (and, optionally, which object and
    under what label). Outside a request this does nothing."""
    collector = _current.get()
    if collector is None:
        return
    for patient_id in patient_ids:
        collector.add(patient_id)
    if obj is not None:
        collector.objects.setdefault((obj._meta.label_lower, str(obj.pk)), None)
    if what:
        collector.labels.setdefault(what, None)


@contextmanager
def unshown() -> Iterator[None]:
    """Fields read inside this block are not shown (a matcher comparing names, say)."""
    collector = _current.get()
    if collector is not None:
        collector.paused += 1
    try:
        yield
    finally:
        if collector is not None:
            collector.paused -= 1


# --- the models' feed --------------------------------------------------------------------------


class _PhiAttribute(DeferredAttribute):
    """A model field's usual descriptor that also reports the read. Defining ``__set__`` makes
    it a data descriptor, so it runs on every read, not only the first (a plain field's value
    sits in the instance's ``__dict__`` and shadows its descriptor)."""

    def __init__(self, field: models.Field[Any, Any], patient_of: Callable[[Any], Any]) -> None:
        super().__init__(field)
        self.patient_of = patient_of

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is not None:
            collector = _current.get()
            if collector is not None and not collector.paused:
                collector.add(self.patient_of(instance))
        return super().__get__(instance, cls)

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


def own_pk(instance: Any) -> Any:
    return instance.__dict__.get("id")


def patient_fk(instance: Any) -> Any:
    return instance.__dict__.get("patient_id")


def watch_phi(
    model: type[models.Model],
    *,
    patient_of: Callable[[Any], Any] = own_pk,
    except_fields: tuple[str, ...] = (),
) -> None:
    """Make every plain (non-key) field of ``model`` feed the collector when read.
    ``patient_of(instance)`` gives the patient id from the instance's ``__dict__`` (never through
    a watched field)."""
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.name in except_fields:
            continue
        setattr(model, field.attname, _PhiAttribute(field, patient_of))


# --- one event per response ---------------------------------------------------------------------


def _carries_body(request: HttpRequest, response: HttpResponse) -> bool:
    status = response.status_code
    if request.method == "HEAD" or status in (204, 304):
        return False
    return 200 <= status < 300 or 400 <= status < 500


def record_read(request: HttpRequest, response: HttpResponse, collector: Collector) -> None:
    """The one event of a response that showed patients (nothing if it showed none)."""
    ids = list(collector.patient_ids)
    if not ids or not _carries_body(request, response):
        return
    details: dict[str, Any] = {
        "path_name": getattr(request.resolver_match, "view_name", "") or "",
        "method": request.method,
        "status": response.status_code,
    }
    if collector.labels:
        details["what"] = ", ".join(collector.labels)
    details["patient_ids"] = ids
    # The object shown, when the view named exactly one (a page about one coverage, say).
    object_type, object_id = ("", "")
    if len(collector.objects) == 1:
        object_type, object_id = next(iter(collector.objects))
    audit.record(
        ACTION,
        object_type=object_type,
        object_id=object_id,
        patient_id=ids[0] if len(ids) == 1 else "",
        details=details,
    )


class PhiReadMiddleware:
    """Collect while the request runs; then write its one PHI-read event."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with collecting() as collector:
            response = self.get_response(request)
            # Outside the view's transaction: a form refused and rolled back still showed data.
            with unshown():
                record_read(request, response, collector)
        return response

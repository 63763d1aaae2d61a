"""The practice's settings, its locations and each location's rooms."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.core import selectors, services
from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires
from praxis.core.forms import LocationForm, PracticeForm, RoomForm
from praxis.core.models import Location, Practice, Room
from praxis.core.service_support import ServiceError


@requires("core.manage_practice")
@require_http_methods(["GET", "POST"])
def practice_settings(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = PracticeForm(request.POST or None, instance=Practice.objects.get(pk=practice.pk))
    if request.method == "POST" and form.is_valid():
        services.practice_update(practice=practice, values=form.cleaned_data)
        messages.success(request, "Practice settings saved.")
        return redirect("core:practice_settings")
    return render(
        request, "core/practice_settings.html", {"form": form}, status=400 if form.errors else 200
    )


@requires("core.manage_locations")
@require_GET
def location_list(request: AuthedRequest) -> HttpResponse:
    locations = selectors.practice_locations(practice_of(request.user))
    return render(request, "core/locations.html", {"locations": locations})


@requires("core.manage_locations")
@require_http_methods(["GET", "POST"])
def location_edit(request: AuthedRequest, location_id: int | None = None) -> HttpResponse:
    practice = practice_of(request.user)
    location = (
        get_in_practice(Location, practice=practice, what="location", pk=location_id)
        if location_id
        else None
    )
    form = LocationForm(
        request.POST or None,
        instance=Location.objects.get(pk=location.pk) if location else None,
        initial=None if location else {"time_zone": practice.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items()}
        try:
            if location is None:
                location = services.location_create(practice=practice, values=values)
            else:
                services.location_update(location=location, values=values)
        except ServiceError as error:
            form.add_error("name", error.messages[0])
        else:
            messages.success(request, f"Saved {location.name}.")
            return redirect("core:location_edit", location_id=location.pk)
    return render(
        request,
        "core/location_edit.html",
        {
            "form": form,
            "location": location,
            "room_form": RoomForm(),
        },
        status=400 if form.errors else 200,
    )


@requires("core.manage_locations")
@require_POST
def room_add(request: AuthedRequest, location_id: int) -> HttpResponse:
    location = get_in_practice(
        Location, practice=practice_of(request.user), what="location", pk=location_id
    )
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            services.room_add(location=location, name=form.cleaned_data["name"])
        except ServiceError as error:
            form.add_error("name", error.messages[0])
        else:
            form = RoomForm()
    status = 400 if form.errors else 200
    return render(
        request,
        "core/location_edit.html#rooms",
        {
            "location": location,
            "room_form": form,
        },
        status=status,
    )


@requires("core.manage_locations")
@require_POST
def room_toggle(request: AuthedRequest, room_id: int) -> HttpResponse:
    room = get_in_practice(
        Room.objects.select_related("location"),
        practice=practice_of(request.user),
        what="room",
        through="location",
        pk=room_id,
    )
    services.room_set_active(room=room, active=not room.is_active)
    return render(
        request,
        "core/location_edit.html#rooms",
        {
            "location": room.location,
            "room_form": RoomForm(),
        },
    )

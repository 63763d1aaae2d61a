"""The policy pages: the library, a person's policies to read, a policy and its versions (text,
PDF, diff), writing and approving versions, acknowledging, and who has acknowledged."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.core.access import AuthedRequest, NotInPractice, get_in_practice, practice_of, requires
from praxis.core.downloads import stored_attachment
from praxis.core.forms import refusals_as_messages, refusals_shown_on
from praxis.patients import uploads

from . import policies, selectors
from .forms import ApproveForm, PolicyForm, VersionForm
from .models import Policy, PolicyVersion
from .models.policies import Category, VersionStatus

VIEW = "compliance.view_policies"
MANAGE = "compliance.manage_policies"
APPROVE = "compliance.approve_policies"


def _policy(request: AuthedRequest, policy_id: int) -> Policy:
    policy = get_in_practice(
        Policy.objects.select_related("current_version", "owner"),
        practice=practice_of(request.user),
        what="policy",
        pk=policy_id,
    )
    if policy.current_version_id is None and not request.user.has_perm(MANAGE):
        raise NotInPractice("policy")  # a draft is not shown to readers
    return policy


def _version(request: AuthedRequest, version_id: int) -> PolicyVersion:
    version = get_in_practice(
        PolicyVersion.objects.select_related("policy", "created_by", "approved_by"),
        practice=practice_of(request.user),
        what="policy version",
        through="policy",
        pk=version_id,
    )
    if version.approved_at is None and not request.user.has_perm(MANAGE):
        raise NotInPractice("policy version")
    return version


@requires(VIEW)
@require_GET
def to_read(request: AuthedRequest) -> HttpResponse:
    rows = selectors.policies_to_read(request.user)
    pending = [r for r in rows if r.acknowledged_at is None]
    return render(request, "compliance/to_read.html", {"rows": rows, "pending": pending})


@requires(VIEW)
@require_GET
def policy_list(request: AuthedRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    rows = selectors.policies(
        practice_of(request.user), category=category, with_drafts=request.user.has_perm(MANAGE)
    )
    context = {"policies": list(rows), "categories": Category.choices, "category": category}
    return render(request, "compliance/policies.html", context)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def policy_add(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = PolicyForm(request.POST or None, request.FILES or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            data = form.cleaned_data
            policy = policies.policy_create(
                practice=practice,
                title=data["title"],
                category=data["category"],
                owner=data["owner"],
                roles=data["roles"],
                body=data["body"],
                upload=data["file"],
                by=request.user,
            )
            messages.success(request, f"Added {policy.title} as a draft.")
            return redirect("compliance:policy", policy.pk)
    status = 400 if form.errors else 200
    return render(request, "compliance/policy_form.html", {"form": form}, status=status)


@requires(VIEW)
@require_GET
def policy_detail(request: AuthedRequest, policy_id: int) -> HttpResponse:
    policy = _policy(request, policy_id)
    manager = request.user.has_perm(MANAGE)
    acknowledged = (
        policy.current_version.acknowledgments.filter(user=request.user).first()
        if policy.current_version
        else None
    )
    context = {
        "policy": policy,
        "version": policy.current_version,
        "versions": list(selectors.versions_of(policy, with_drafts=manager)),
        "roles": selectors.role_labels(policy.roles),
        "must_read": policies.must_read(policy, request.user),
        "acknowledged": acknowledged,
        "status": selectors.acknowledgment_status(policy) if manager else None,
    }
    return render(request, "compliance/policy.html", context)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def version_add(request: AuthedRequest, policy_id: int) -> HttpResponse:
    policy = _policy(request, policy_id)
    last = policy.versions.order_by("-number").first()
    form = VersionForm(
        request.POST or None,
        request.FILES or None,
        audience=policy.roles,
        initial={"body": last.body if last else "", "affected_roles": policy.roles},
    )
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            data = form.cleaned_data
            version = policies.version_create(
                policy=policy,
                body=data["body"],
                change_summary=data["change_summary"],
                affected_roles=data["affected_roles"],
                upload=data["file"],
                by=request.user,
            )
            messages.success(request, f"Version {version.number} is a draft.")
            return redirect("compliance:version", version.pk)
    context = {"form": form, "policy": policy}
    return render(
        request, "compliance/version_form.html", context, status=400 if form.errors else 200
    )


@requires(VIEW)
@require_GET
def version_detail(request: AuthedRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id)
    previous = selectors.previous_version(version)
    if previous is not None and previous.approved_at is None and not request.user.has_perm(MANAGE):
        previous = None
    context = {
        "version": version,
        "policy": version.policy,
        "previous": previous,
        "diff": selectors.version_diff(previous, version) if previous else [],
        "affected": selectors.role_labels(version.affected_roles),
        "approve_form": ApproveForm(initial={"effective_date": timezone.localdate()})
        if version.status == VersionStatus.IN_REVIEW
        else None,
    }
    return render(request, "compliance/version.html", context)


@requires(MANAGE)
@require_POST
def version_submit(request: AuthedRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id)
    with refusals_as_messages(request):
        policies.version_submit(version=version, by=request.user)
        messages.success(request, f"Version {version.number} is in review.")
    return redirect("compliance:version", version.pk)


@requires(APPROVE)
@require_POST
def version_approve(request: AuthedRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id)
    form = ApproveForm(request.POST)
    if form.is_valid():
        with refusals_shown_on(form):
            policies.version_approve(
                version=version,
                effective_date=form.cleaned_data["effective_date"],
                next_review_date=form.cleaned_data["next_review_date"],
                by=request.user,
            )
            messages.success(
                request, f"Version {version.number} is approved and asks for acknowledgments."
            )
            return redirect("compliance:policy", version.policy_id)
    context = {
        "version": version,
        "policy": version.policy,
        "previous": None,
        "diff": [],
        "affected": selectors.role_labels(version.affected_roles),
        "approve_form": form,
    }
    return render(request, "compliance/version.html", context, status=400)


@requires(APPROVE)
@require_POST
def policy_retire(request: AuthedRequest, policy_id: int) -> HttpResponse:
    policy = _policy(request, policy_id)
    with refusals_as_messages(request):
        policies.policy_retire(policy=policy, by=request.user)
        messages.success(request, f"{policy.title} is retired.")
    return redirect("compliance:policy", policy.pk)


@requires(VIEW)
@require_GET
def version_file(request: AuthedRequest, version_id: int) -> FileResponse:
    version = _version(request, version_id)
    if not version.has_file:
        raise Http404("This version has no PDF.")
    return stored_attachment(
        version.storage_path,
        filename=uploads.download_name(version.original_filename, uploads.PDF.content_type),
        content_type=uploads.PDF.content_type,
        missing="The PDF is missing from storage.",
    )


@requires(VIEW)
@require_POST
def acknowledge(request: AuthedRequest, policy_id: int) -> HttpResponse:
    policy = _policy(request, policy_id)
    read = request.POST.get("version", "")
    with refusals_as_messages(request):
        policies.policy_acknowledge(
            policy=policy,
            user=request.user,
            version_id=int(read) if read.isdigit() and len(read) < 19 else None,
        )
        messages.success(request, f"You acknowledged {policy.title}.")
    if request.POST.get("next") == "to_read":
        return redirect("compliance:to_read")
    return redirect("compliance:policy", policy.pk)


@requires(MANAGE)
@require_POST
def remind(request: AuthedRequest, policy_id: int) -> HttpResponse:
    policy = _policy(request, policy_id)
    status = selectors.acknowledgment_status(policy)
    with refusals_as_messages(request):
        sent, skipped = policies.reminders_send(
            policy=policy, pending=status.pending, by=request.user, today=timezone.localdate()
        )
        note = f" {skipped} were reminded today already." if skipped else ""
        messages.success(request, f"Sent {sent} reminder e-mail{'s' if sent != 1 else ''}.{note}")
    return redirect("compliance:policy", policy.pk)


@requires(MANAGE)
@require_GET
def people(request: AuthedRequest) -> HttpResponse:
    rows = selectors.acknowledgments_by_person(practice_of(request.user))
    return render(request, "compliance/people.html", {"rows": rows})

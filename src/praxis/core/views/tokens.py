"""A person's own API tokens: issue one (its secret is shown once) and revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from praxis.core import selectors, services
from praxis.core.access import AuthedRequest, requires
from praxis.core.forms import ApiTokenForm, refusals_shown_on
from praxis.core.models import ApiToken


@requires("core.use_api")
@require_http_methods(["GET", "POST"])
def token_list(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            issued = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
            form = ApiTokenForm()
    return render(
        request,
        "core/tokens.html",
        {
            "tokens": selectors.user_tokens(request.user),
            "form": form,
            "issued": issued,
        },
        status=400 if form.errors else 200,
    )


@requires("core.use_api")
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    # Tokens are personal: scoped to their owner, not only to the practice.
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.api_token_revoke(token=token)
    messages.success(request, f"Revoked {token.name}.")
    return redirect("core:token_list")

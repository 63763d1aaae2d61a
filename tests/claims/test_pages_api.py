"""The claims pages and /api/v1/claims/ as the practice uses them: who gets in, the flow from a
ready encounter to a submitted batch, refusals as clear messages, another practice's ids 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from praxis.claims.models import Claim, ClaimBatch
from praxis.core import services as core_services

pytestmark = pytest.mark.django_db
BASE = "/api/v1/claims"


class Api:
    def __init__(self, user: Any) -> None:
        self.client = Client(enforce_csrf_checks=True)
        secret = core_services.api_token_create(user=user, name="claims").secret
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str) -> Any:
        return self.client.get(BASE + path, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            BASE + path,
            data=json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("admin_ada", 200),
        ("manager_max", 200),
        ("biller_bo", 200),
        ("frontdesk_fay", 403),
        ("dr_dana", 403),
        ("clinical_cleo", 403),
    ],
)
def test_who_sees_the_claims_page(persona, client_for, billing_practice, name, status):
    assert client_for(persona(name)).get("/claims/").status_code == status


def test_bo_claims_scrubs_batches_and_submits_from_the_pages(
    ready_encounter, client_for, biller_bo, aetna, settings, tmp_path
):
    settings.PRAXIS_CLAIMS_OUTBOX = str(tmp_path)
    encounter = ready_encounter()
    client = client_for(biller_bo)
    page = client.get("/claims/")
    assert "Create claim" in page.content.decode()
    created = client.post("/claims/create/", {"encounter": encounter.pk})
    claim = Claim.objects.get()
    assert created.url == f"/claims/{claim.pk}/"
    client.post(f"/claims/{claim.pk}/scrub/")
    assert "No findings: the claim is clean." in client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Create batch for Aetna" in client.get("/claims/").content.decode()
    client.post("/claims/batches/create/", {"payer": aetna.pk})
    batch = ClaimBatch.objects.get()
    download = client.get(f"/claims/batches/{batch.pk}/file/")
    assert download.content.decode() == batch.content
    assert download["Content-Disposition"] == f'attachment; filename="{batch.filename}"'
    client.post(f"/claims/batches/{batch.pk}/submit/")
    again = client.post(f"/claims/batches/{batch.pk}/submit/", follow=True)
    assert "was already submitted" in again.content.decode()
    assert len(list(tmp_path.iterdir())) == 1


def test_a_refused_claim_is_a_message_and_writes_nothing(ready_encounter, client_for, biller_bo):
    encounter = ready_encounter(coverage=False)
    page = client_for(biller_bo).post("/claims/create/", {"encounter": encounter.pk}, follow=True)
    assert "is self-pay" in page.content.decode()
    assert Claim.objects.count() == 0


def test_the_api_flow_and_its_refusals(ready_encounter, biller_bo, aetna, settings, tmp_path):
    settings.PRAXIS_CLAIMS_OUTBOX = str(tmp_path)
    api = Api(biller_bo)
    encounter = ready_encounter()
    made = api.post("/claims", {"encounter_id": encounter.pk})
    assert made.status_code == 201, made.content
    claim_id = made.json()["id"]
    twice = api.post("/claims", {"encounter_id": encounter.pk})
    assert twice.status_code == 400
    assert f"already has claim {claim_id}" in twice.json()["message"]
    scrubbed = api.post(f"/claims/{claim_id}/scrub")
    assert (scrubbed.json()["status"], scrubbed.json()["findings"]) == ("scrubbed", [])
    batch = api.post("/batches", {"payer_id": aetna.pk})
    assert batch.status_code == 201, batch.content
    batch_id = batch.json()["id"]
    assert batch.json()["claim_ids"] == [claim_id]
    assert api.get(f"/batches/{batch_id}/file").content.decode().startswith("ISA*")
    assert api.post(f"/batches/{batch_id}/submit").json()["submitted_at"]
    again = api.post(f"/batches/{batch_id}/submit")
    assert again.status_code == 400
    assert "already submitted" in again.json()["message"]
    assert [c["id"] for c in api.get("/claims").json()] == [claim_id]


def test_another_practices_ids_are_404(new_claim, aetna, biller_bo, other_practice, client_for):
    from praxis.claims.batching import batch_create
    from praxis.claims.services import claim_scrub
    from praxis.core.testing.personas import make_persona

    claim = new_claim()
    claim_scrub(claim=claim, by=biller_bo)
    batch = batch_create(practice=claim.practice, payer=aetna, by=biller_bo)
    outsider = make_persona("manager_max", other_practice)
    client = client_for(outsider)
    for url in (
        f"/claims/{claim.pk}/",
        f"/claims/batches/{batch.pk}/",
        f"/claims/batches/{batch.pk}/file/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/claims/{claim.pk}/scrub/").status_code == 404
    assert client.post("/claims/create/", {"encounter": claim.encounter_id}).status_code == 404
    api = Api(outsider)
    assert api.get(f"/claims/{claim.pk}").status_code == 404
    assert api.post("/claims", {"encounter_id": claim.encounter_id}).status_code == 404
    assert api.post(f"/batches/{batch.pk}/submit").status_code == 404
    assert api.post("/batches", {"payer_id": aetna.pk}).status_code == 404

"""The one role matrix, as a whole: core's rows and every app's, in the order `praxis roles show`
prints them. Apps contribute their own rows; this pins the merged result."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from praxis.core.roles import (
    ADMINISTRATOR,
    BILLER,
    CLINICAL,
    COMPLIANCE,
    FRONT_DESK,
    HR,
    MANAGER,
    PROVIDER,
    ROLES,
    matrix,
    permissions_for,
)

SEES_PATIENTS = {MANAGER, FRONT_DESK, BILLER, PROVIDER, CLINICAL}

# permission -> the roles that hold it besides the Administrator, in the matrix's order
EXPECTED = [
    ("core.manage_practice", set()),
    ("core.manage_users", set()),
    ("core.view_admin_home", set()),
    ("core.view_manager_home", {MANAGER}),
    ("core.manage_locations", {MANAGER}),
    ("core.view_audit", {COMPLIANCE}),
    ("core.use_api", {MANAGER, FRONT_DESK, BILLER, PROVIDER, HR, COMPLIANCE}),
    ("patients.view_patient", SEES_PATIENTS),
    ("patients.manage_patient", {MANAGER, FRONT_DESK, BILLER}),
    ("patients.merge_patient", set()),
    ("patients.manage_payers", {MANAGER, BILLER}),
    ("scheduling.view_schedule", SEES_PATIENTS),
    ("scheduling.book_appointment", {MANAGER, FRONT_DESK}),
    ("scheduling.update_appointment_status", {MANAGER, FRONT_DESK, PROVIDER, CLINICAL}),
    ("scheduling.manage_scheduling_setup", {MANAGER}),
    ("scheduling.view_readiness_board", {MANAGER, FRONT_DESK}),
    ("billing.view_codes", {MANAGER, BILLER, PROVIDER, FRONT_DESK}),
    ("billing.manage_codes", {MANAGER, BILLER}),
    ("billing.view_encounters", {MANAGER, BILLER, PROVIDER}),
    ("billing.code_encounters", {MANAGER, BILLER, PROVIDER}),
    ("billing.view_ar", {MANAGER, BILLER}),
    ("billing.work_collections", {MANAGER, BILLER}),
    ("billing.view_accounts", {MANAGER, BILLER, FRONT_DESK}),
    ("billing.take_payments", {MANAGER, BILLER, FRONT_DESK}),
    ("billing.refund_payments", {MANAGER, BILLER}),
    ("billing.close_day", {MANAGER}),
    ("claims.view_claims", {MANAGER, BILLER}),
    ("claims.work_claims", {MANAGER, BILLER}),
    ("staff.view_staff", {MANAGER, HR}),
    ("staff.manage_staff", {MANAGER, HR}),
    ("staff.view_compensation", {HR}),
    ("compliance.view_policies", set(ROLES) - {ADMINISTRATOR}),
    ("compliance.manage_policies", {COMPLIANCE, MANAGER, HR}),
    ("compliance.approve_policies", {COMPLIANCE}),
    ("compliance.report_incident", set(ROLES) - {ADMINISTRATOR}),
    ("compliance.manage_incidents", {COMPLIANCE}),
]


def test_the_merged_matrix_is_exactly_the_expected_one():
    assert [(perm, set(roles)) for perm, roles in matrix().items()] == EXPECTED


def test_the_administrator_holds_every_permission():
    assert permissions_for(ADMINISTRATOR) == {perm for perm, _ in EXPECTED}
    for role in ROLES:
        if role != ADMINISTRATOR:
            assert permissions_for(role) == {perm for perm, holders in EXPECTED if role in holders}


def test_roles_show_prints_every_row_in_order(capsys):
    call_command("roles", "show")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [perm for perm, _ in EXPECTED]
    assert lines[3].split(None, 1)[1] == "Practice Administrator, Practice Manager"


@pytest.mark.django_db
def test_sync_gives_each_group_exactly_its_roles_permissions():
    from django.contrib.auth.models import Group

    call_command("roles", "sync")
    for role in ROLES:
        group = Group.objects.get(name=role.label)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert held == permissions_for(role)

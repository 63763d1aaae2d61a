"""The audit chain is keyed and checkpointed (issue 8, finding 3). Someone with the database but
not the audit key (which lives in the environment, never in the database) cannot rewrite the
middle of the chain, because every seal is an HMAC under that key, and cannot cut off its end
past a checkpoint, because signed checkpoints of the head are kept outside the database (a file in
the data folder, and the nightly e-mail to the Administrators). Seals made before the chain was
keyed still verify, as legacy, and the keyed chain goes on from them; a rotated key keeps
verifying what it sealed.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from praxis.config.env import env_keys
from praxis.core import audit, audit_chain, audit_checkpoints
from praxis.core.daily import REGISTRY, run_due_jobs
from praxis.core.models import AuditEvent, AuditSeal

from .production import praxis_under_production
from .test_audit_chain import audit_triggers_lifted, behind_the_apps_back
from .test_daily_jobs import june

KEY_A = "a" * 40
KEY_B = "b" * 40


def phi_reads(count: int) -> list[AuditEvent]:
    """``count`` people looked at patients' charts, and the worker sealed the events."""
    events = [
        audit.record("praxis.phi.read", patient_id=100 + n, details={"what": "chart"})
        for n in range(count)
    ]
    audit_chain.seal_pending()
    return events


def checkpoint_file() -> Path:
    return Path(settings.PRAXIS_AUDIT_CHECKPOINT_FILE)


def verify_command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def cut_off_newest(count: int) -> None:
    """What an intruder with the database does to hide the latest reads: delete the newest
    events and their seals."""
    newest = list(AuditSeal.objects.order_by("-seq").values_list("seq", "event_id")[:count])
    with audit_triggers_lifted():
        for seq, event_id in newest:
            behind_the_apps_back("DELETE FROM core_auditseal WHERE seq = %s", [seq])
            behind_the_apps_back("DELETE FROM core_auditevent WHERE id = %s", [event_id])


def remove_and_rechain(victim: AuditEvent, *, as_legacy: bool = False) -> None:
    """Delete ``victim`` and its seal, then chain every later seal again with the unkeyed
    ``compute_hash`` (all an intruder without the key can compute), renumbered to close the gap,
    so that every seal fits its event and the seal before it."""
    seal = AuditSeal.objects.get(event_id=victim.id)
    later = list(AuditSeal.objects.filter(seq__gt=seal.seq).select_related("event").order_by("seq"))
    prev_hash = seal.prev_hash
    with audit_triggers_lifted():
        behind_the_apps_back("DELETE FROM core_auditseal WHERE seq = %s", [seal.seq])
        behind_the_apps_back("DELETE FROM core_auditevent WHERE id = %s", [victim.id])
        for following in later:
            digest = audit.compute_hash(
                following.event, prev_hash=prev_hash, sealed_at=following.sealed_at
            )
            behind_the_apps_back(
                "UPDATE core_auditseal SET seq = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [following.seq - 1, prev_hash, digest, following.seq],
            )
            prev_hash = digest
        if as_legacy:
            behind_the_apps_back(
                "UPDATE core_auditseal SET key_id = '' WHERE seq >= %s", [seal.seq]
            )


def legacy_seals(events: list[AuditEvent]) -> None:
    """Seal ``events`` the way Praxis did before the chain was keyed (and the way migration
    0005 leaves those seals): unkeyed SHA-256, no key id."""
    sealed_at = timezone.now()
    prev_hash = audit.GENESIS
    for seq, event in enumerate(events, 1):
        digest = audit.compute_hash(event, prev_hash=prev_hash, sealed_at=sealed_at)
        AuditSeal.objects.create(
            seq=seq, event=event, sealed_at=sealed_at, prev_hash=prev_hash, hash=digest, key_id=""
        )
        prev_hash = digest


# --- the two attacks of the finding ------------------------------------------------------------


def test_cutting_off_the_50_newest_events_is_reported_as_truncated(db):
    phi_reads(80)
    call_command("audit", "checkpoint", stdout=StringIO())
    audit_chain.seal_pending()  # the trail's note of the checkpoint, as the worker seals it

    cut_off_newest(50)
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "truncated"
    assert report.head_seq == 81 - 50
    assert "ends at seal 31, but the checkpoint of" in report.problem.message
    assert "vouches for seal 80: at least the newest 49 sealed event(s) were cut off" in (
        report.problem.message
    )
    with pytest.raises(CommandError, match=r"BROKEN.*truncated"):
        verify_command()


def test_deleting_a_phi_read_in_the_middle_and_rechaining_without_the_key_is_caught(db):
    trail = phi_reads(100)
    victim = trail[40]

    remove_and_rechain(victim)
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "edited"
    assert report.problem.event_id == trail[41].id
    assert "without the audit key" in report.problem.message
    with pytest.raises(CommandError, match=rf"BROKEN.*edited at event {trail[41].id}"):
        verify_command()


def test_passing_the_rechained_seals_off_as_legacy_unkeyed_ones_is_caught(db):
    trail = phi_reads(100)

    remove_and_rechain(trail[40], as_legacy=True)
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "rewritten"
    assert report.problem.event_id == trail[41].id
    assert "unkeyed but follows keyed seals" in report.problem.message


def test_rebuilding_the_whole_chain_as_unkeyed_legacy_seals_is_caught_by_the_checkpoint(db):
    trail = phi_reads(10)
    audit_chain.write_checkpoint()

    # Every seal rebuilt without the key and passed off as made before the chain was keyed: the
    # chain alone cannot tell; the checkpoint can.
    remove_and_rechain(trail[0], as_legacy=True)
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "rewritten"
    assert "is not the one the checkpoint of" in report.problem.message


# --- the key -----------------------------------------------------------------------------------


def test_seals_are_hmacs_under_the_current_key_and_name_it(db):
    trail = phi_reads(2)
    seal = AuditSeal.objects.get(event_id=trail[1].id)
    reloaded = AuditEvent.objects.get(pk=trail[1].pk)

    assert seal.key_id == settings.PRAXIS_AUDIT_KEY_ID == "test"
    unkeyed = audit.compute_hash(reloaded, prev_hash=seal.prev_hash, sealed_at=seal.sealed_at)
    assert seal.hash != unkeyed
    assert seal.hash == audit.seal_hash(
        reloaded, prev_hash=seal.prev_hash, sealed_at=seal.sealed_at, key_id="test"
    )


def test_a_seal_moved_under_another_configured_key_id_no_longer_fits(db, settings):
    settings.PRAXIS_AUDIT_KEYS = {**settings.PRAXIS_AUDIT_KEYS, "other": KEY_B}
    trail = phi_reads(3)

    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditseal SET key_id = 'other' WHERE event_id = %s", [trail[1].id]
        )
    report = audit_chain.verify_chain()

    assert report.problem.kind == "edited"
    assert report.problem.event_id == trail[1].id


def test_a_rotated_key_still_verifies_the_seals_and_checkpoints_it_made(db, settings):
    settings.PRAXIS_AUDIT_KEY_ID, settings.PRAXIS_AUDIT_KEYS = "2026a", {"2026a": KEY_A}
    phi_reads(3)
    audit_chain.write_checkpoint()

    # Rotation: the new key seals and signs, the old one is kept to verify.
    settings.PRAXIS_AUDIT_KEY_ID = "2026b"
    settings.PRAXIS_AUDIT_KEYS = {"2026a": KEY_A, "2026b": KEY_B}
    phi_reads(2)
    report = audit_chain.verify_chain()

    assert report.ok, report.problem
    assert report.checkpoint is not None and report.checkpoint.key_id == "2026a"
    key_ids = list(AuditSeal.objects.order_by("seq").values_list("key_id", flat=True))
    # 3 reads; then the note of the checkpoint, sealed with the 2 reads after the rotation
    assert key_ids == ["2026a"] * 3 + ["2026b"] * 3
    assert audit_chain.write_checkpoint().key_id == "2026b"
    assert audit_chain.verify_chain().ok


def test_without_the_retired_key_verify_says_which_key_is_missing(db, settings):
    settings.PRAXIS_AUDIT_KEY_ID, settings.PRAXIS_AUDIT_KEYS = "2026a", {"2026a": KEY_A}
    trail = phi_reads(2)
    settings.PRAXIS_AUDIT_KEY_ID, settings.PRAXIS_AUDIT_KEYS = "2026b", {"2026b": KEY_B}

    report = audit_chain.verify_chain()

    assert report.problem.kind == "unknown-key"
    assert report.problem.event_id == trail[0].id
    assert "audit key '2026a', which is not configured" in report.problem.message
    assert "PRAXIS_AUDIT_RETIRED_KEYS" in report.problem.message


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    result = praxis_under_production(tmp_path, "check", PRAXIS_AUDIT_KEY=None)

    assert result.returncode != 0
    assert "PRAXIS_AUDIT_KEY must be set in production" in result.stderr


def test_production_takes_a_current_key_and_retired_ones(tmp_path):
    result = praxis_under_production(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.PRAXIS_AUDIT_KEY_ID, sorted(s.PRAXIS_AUDIT_KEYS))",
        PRAXIS_AUDIT_KEY=f"2026b:{KEY_B}",
        PRAXIS_AUDIT_RETIRED_KEYS=f"2025a:{KEY_A}, 2026a:{KEY_A}",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026b ['2025a', '2026a', '2026b']"


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("just-a-secret-with-no-id-but-long-enough-to-pass", "entry 1 must be id:secret"),
        ("2026a:too-short-a-secret", "the secret of key '2026a' must be at least 32"),
        (f"2026a:{KEY_A},2026a:{KEY_B}", "key id '2026a' appears twice"),
        (f"no spaces allowed:{KEY_A}", "entry 1 must be id:secret"),
    ],
)
def test_a_malformed_key_is_refused_without_repeating_the_secret(monkeypatch, value, complaint):
    monkeypatch.setenv("PRAXIS_AUDIT_KEY", value)

    with pytest.raises(ImproperlyConfigured) as refused:
        env_keys("PRAXIS_AUDIT_KEY")

    assert complaint in str(refused.value)
    assert "secret-with" not in str(refused.value)
    assert "too-short" not in str(refused.value)
    assert KEY_A not in str(refused.value)


# --- checkpoints -------------------------------------------------------------------------------


def test_audit_checkpoint_appends_a_signed_line_and_notes_it_in_the_trail(db):
    phi_reads(3)
    out = StringIO()

    call_command("audit", "checkpoint", stdout=out)

    lines = checkpoint_file().read_text().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("praxis-audit-checkpoint seq=3 head=")
    assert f"checkpoint written: {lines[0]}" in out.getvalue()
    checkpoint = audit_checkpoints.Checkpoint.parse(lines[0])
    assert checkpoint is not None
    assert checkpoint.head == AuditSeal.objects.get(seq=3).hash
    note = AuditEvent.objects.get(action=audit.CHECKPOINT_ACTION)
    assert note.details == {"seq": 3, "head": checkpoint.head}


def test_verify_checks_against_the_checkpoint_and_says_how_much_is_not_yet_covered(db):
    phi_reads(3)
    audit_chain.write_checkpoint()
    phi_reads(2)

    out, err = verify_command()

    assert "audit chain intact: 6 events (0 sealed just now)" in out
    assert "matches the checkpoint of" in out
    assert "(seal 3; 3 sealed since, not yet covered)" in out
    assert err == ""


def test_verify_without_any_checkpoint_passes_with_a_warning(db):
    phi_reads(2)

    out, err = verify_command()

    assert "audit chain intact" in out
    assert "No checkpoint yet" in err


def test_a_missing_checkpoint_file_is_reported_when_the_trail_records_checkpoints(db):
    phi_reads(3)
    audit_chain.write_checkpoint()
    checkpoint_file().unlink()

    report = audit_chain.verify_chain()

    assert report.problem.kind == "checkpoint"
    assert f"the checkpoint file {checkpoint_file()} is missing" in report.problem.message
    assert "records 1 checkpoint(s) (the last at seal 3" in report.problem.message
    with pytest.raises(CommandError, match="is missing"):
        verify_command()


def test_a_checkpoint_file_cut_short_is_reported(db):
    phi_reads(2)
    audit_chain.write_checkpoint()
    phi_reads(1)
    audit_chain.write_checkpoint()
    first_line = checkpoint_file().read_text().splitlines()[0]
    checkpoint_file().write_text(first_line + "\n")

    report = audit_chain.verify_chain()

    assert report.problem.kind == "checkpoint"
    assert "lacks 1 checkpoint(s) that the trail records (the last at seal 4" in (
        report.problem.message
    )


def test_an_edited_checkpoint_line_is_reported(db):
    phi_reads(5)
    audit_chain.write_checkpoint()
    line = checkpoint_file().read_text()
    checkpoint_file().write_text(line.replace("seq=5 ", "seq=2 "))

    report = audit_chain.verify_chain()

    assert report.problem.kind == "checkpoint"
    assert "line 1 of" in report.problem.message
    assert "not a checkpoint with a valid signature" in report.problem.message


def test_a_checkpoint_is_refused_for_a_broken_chain(db):
    trail = phi_reads(3)
    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditevent SET patient_id = '999' WHERE id = %s", [trail[1].id]
        )

    with pytest.raises(audit_chain.ChainBroken):
        audit_chain.write_checkpoint()
    with pytest.raises(CommandError, match=r"BROKEN.*edited"):
        call_command("audit", "checkpoint", stdout=StringIO())

    assert not checkpoint_file().exists()


def test_the_nightly_job_mails_the_administrators_a_checkpoint_that_verify_accepts(
    db, admin_ada, tmp_path
):
    phi_reads(4)

    run_due_jobs(now=june(1, 2, 15), jobs={"audit_chain_verify": REGISTRY["audit_chain_verify"]})

    assert [m.to for m in mail.outbox] == [["admin_ada@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "Praxis: audit trail checkpoint"
    line = message.body.strip().splitlines()[-1]
    assert checkpoint_file().read_text().splitlines() == [line]
    # The e-mails, saved, check the trail without the installation's own file.
    saved = tmp_path / "saved-emails.txt"
    saved.write_text(message.body)
    checkpoint_file().unlink()
    out, _ = verify_command("--checkpoints", str(saved))
    assert "matches the checkpoint of" in out
    # And they catch a truncation the file no longer could.
    cut_off_newest(2)
    with pytest.raises(CommandError, match="truncated"):
        verify_command("--checkpoints", str(saved))


def test_verify_refuses_a_checkpoints_file_that_does_not_exist(db, tmp_path):
    with pytest.raises(CommandError, match="--checkpoints needs `verify` and an existing file"):
        verify_command("--checkpoints", str(tmp_path / "nowhere.txt"))


# --- seals from before the chain was keyed -------------------------------------------------------


def test_legacy_seals_verify_and_the_keyed_chain_goes_on_from_them(db):
    old = [audit.record("praxis.phi.read", patient_id=7, details={"n": n}) for n in range(3)]
    legacy_seals(old)

    phi_reads(2)
    report = audit_chain.verify_chain()

    assert report.ok, report.problem
    assert report.legacy == 3
    assert report.checked == 5
    assert list(AuditSeal.objects.order_by("seq").values_list("key_id", flat=True)) == [
        "",
        "",
        "",
        "test",
        "test",
    ]
    assert "seals from before the chain was keyed" not in " ".join(report.warnings)
    out, _ = verify_command()
    assert "3 of them sealed before the chain was keyed (unkeyed SHA-256)" in out


def test_legacy_seals_not_yet_covered_by_a_checkpoint_are_warned_about(db):
    old = [audit.record("praxis.phi.read", patient_id=7) for _ in range(2)]
    legacy_seals(old)
    checkpoint_file().write_text(
        audit_checkpoints.Checkpoint.sign(
            seq=1, head=AuditSeal.objects.get(seq=1).hash, at=timezone.now()
        ).line
    )

    report = audit_chain.verify_chain()

    assert report.ok
    assert report.warnings == (
        "2 seals from before the chain was keyed are not yet covered by a checkpoint. Run "
        "`praxis audit checkpoint`.",
    )


def test_a_rewritten_legacy_part_is_caught_by_the_first_keyed_seal(db):
    old = [audit.record("praxis.phi.read", patient_id=7, details={"n": n}) for n in range(4)]
    legacy_seals(old)
    phi_reads(2)

    remove_and_rechain(old[1])  # rechains the legacy seals and the keyed ones after them
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "edited"  # the first keyed seal does not fit without the key


def test_a_legacy_chain_rewritten_whole_is_caught_by_the_checkpoint(db):
    old = [audit.record("praxis.phi.read", patient_id=7, details={"n": n}) for n in range(6)]
    legacy_seals(old)
    checkpoint_file().write_text(
        audit_checkpoints.Checkpoint.sign(
            seq=6, head=AuditSeal.objects.get(seq=6).hash, at=timezone.now()
        ).line
    )

    remove_and_rechain(old[2])
    # Unkeyed and consistent: only the checkpoint knows seal 5 was something else.
    phi_reads(1)  # seal 6 again, now keyed
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "rewritten"
    assert "is not the one the checkpoint of" in report.problem.message


@pytest.mark.django_db(transaction=True)
def test_migration_0005_keeps_existing_seals_as_legacy_and_the_tables_append_only():
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0004_audit_event_unchained")])
    old_apps = executor.loader.project_state([("core", "0004_audit_event_unchained")]).apps
    OldEvent = old_apps.get_model("core", "AuditEvent")
    OldSeal = old_apps.get_model("core", "AuditSeal")
    event = OldEvent.objects.create(
        occurred_at=timezone.now(), action="praxis.phi.read", patient_id="7", details={}
    )
    sealed_at = timezone.now()
    OldSeal.objects.create(
        seq=1,
        event_id=event.id,
        sealed_at=sealed_at,
        prev_hash=audit.GENESIS,
        hash=audit.compute_hash(
            # The event as today's model sees it, built by hand: the table of 0004 lacks
            # columns added since.
            AuditEvent(**{f.attname: getattr(event, f.attname) for f in OldEvent._meta.fields}),
            prev_hash=audit.GENESIS,
            sealed_at=sealed_at,
        ),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert AuditSeal.objects.get(seq=1).key_id == ""
    phi_reads(1)
    report = audit_chain.verify_chain()
    assert report.ok, report.problem
    assert report.legacy == 1
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditSeal.objects.filter(seq=1).delete()

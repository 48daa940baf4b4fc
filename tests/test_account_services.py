"""The account services, the one place where the rules about accounts live: every write is
audited field by field, a stale save is refused with the other person's change, the hierarchy
never loops, a registration number is unique in its country, a KAM's tier change waits for the
head, and the account team follows its rules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from openkam.accounts import services
from openkam.accounts.models import (
    Account,
    AccountTeamMember,
    TeamRole,
    Tier,
    TierChangeRequest,
    TierChangeStatus,
)
from openkam.core.audit import audit_entries_for
from openkam.core.choices import Level
from openkam.core.errors import ConflictError, ForbiddenError, NotFoundError
from openkam.core.models import AuditAction, AuditEntry
from openkam.users.models import Role
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _account_entries(account: Account) -> list[AuditEntry]:
    """The account's own entries (not its team's), oldest first."""
    return [
        entry
        for entry in audit_entries_for(account).order_by("at", "id")
        if entry.target_type.model == "account"
    ]


def _update(actor: Any, account: Account, **changes: Any) -> services.AccountWriteResult:
    account.refresh_from_db()
    return services.account_update(
        actor=actor, account_id=account.pk, expected_version=account.version, changes=changes
    )


# --- Audit of create, update and delete ----------------------------------------------------


def test_creating_an_account_records_who_when_and_every_field_it_was_given(head, kam):
    before = timezone.now()
    account = services.account_create(
        actor=head,
        name="  Nordlys Energi  ",
        legal_name="Nordlys Energi AS",
        registration_number="912345678",
        country="NO",
        industry="Energy",
        tier=Tier.KEY,
        owner=kam,
    ).account

    assert account.name == "Nordlys Energi"  # surrounding blanks are trimmed
    assert account.version == 1
    (created,) = _account_entries(account)
    assert created.action == AuditAction.CREATE
    assert created.actor == head
    assert before <= created.at <= timezone.now()
    assert created.version == 1
    assert created.changes["name"] == {"label": "name", "old": "", "new": "Nordlys Energi"}
    assert created.changes["tier"]["new"] == "Key"  # as the user reads it, not "key"
    assert created.changes["owner"]["new"] == "Kari Kam"
    assert created.changes["country"]["new"] == "Norway"
    assert "vat_number" not in created.changes  # empty fields are not listed as changes


def test_the_owner_joins_the_team_as_its_lead_and_that_is_audited_on_the_account(head, kam):
    account = services.account_create(actor=head, name="Fjord Foods", owner=kam).account

    lead = AccountTeamMember.objects.get(account=account)
    assert (lead.user, lead.team_role) == (kam, TeamRole.KAM_LEAD)
    joined = audit_entries_for(account).get(target_type__model="accountteammember")
    assert joined.action == AuditAction.CREATE
    assert joined.changes["user"]["new"] == "Kari Kam"
    assert joined.changes["team_role"]["new"] == "KAM lead"


def test_an_update_records_each_changed_field_from_what_to_what_and_moves_the_version(kam):
    account = AccountFactory(owner=kam, industry="Seafood", website="")

    result = _update(kam, account, industry="Aquaculture", website="https://fjord.example")

    assert result.account.version == 2
    entry = _account_entries(account)[-1]
    assert entry.action == AuditAction.UPDATE
    assert entry.actor == kam
    assert entry.version == 2
    assert entry.changes == {
        "industry": {"label": "industry", "old": "Seafood", "new": "Aquaculture"},
        "website": {"label": "website", "old": "", "new": "https://fjord.example"},
    }
    assert entry.change_rows[0] == {"field": "industry", "old": "Seafood", "new": "Aquaculture"}


def test_saving_without_a_change_writes_nothing_and_keeps_the_version(kam):
    account = AccountFactory(owner=kam, industry="Seafood")
    entries = AuditEntry.objects.count()

    result = _update(kam, account, industry="Seafood", name=account.name)

    assert result.account.version == account.version == 1
    assert AuditEntry.objects.count() == entries


def test_a_field_that_is_not_editable_is_refused_by_name(kam):
    account = AccountFactory(owner=kam)
    with pytest.raises(ValidationError) as refused:
        _update(kam, account, version=7, created_at=timezone.now())
    assert set(refused.value.message_dict) == {"version", "created_at"}


def test_deleting_an_account_keeps_its_last_values_in_the_audit_log(head, kam):
    account = services.account_create(
        actor=head, name="Closing Down AS", industry="Retail", tier=Tier.MAINTAIN, owner=kam
    ).account
    account_id = account.pk

    services.account_delete(actor=head, account_id=account_id)

    assert not Account.objects.filter(pk=account_id).exists()
    assert not AccountTeamMember.objects.filter(account_id=account_id).exists()
    deleted = AuditEntry.objects.get(target_id=account_id, action=AuditAction.DELETE)
    assert deleted.actor == head
    assert deleted.target_repr == "Closing Down AS"
    assert deleted.changes["industry"] == {"label": "industry", "old": "Retail", "new": ""}
    assert deleted.changes["tier"]["old"] == "Maintain"
    # The history written before the deletion is still there.
    assert (
        AuditEntry.objects.filter(
            root_id=account_id, root_type=deleted.root_type, action=AuditAction.CREATE
        ).count()
        == 2
    )  # the account and its owner joining the team


def test_only_the_head_deletes_and_an_account_with_children_is_kept(head, kam):
    group = AccountFactory(owner=kam)
    AccountFactory(owner=kam, parent=group, name="Site Bergen")

    with pytest.raises(ForbiddenError):
        services.account_delete(actor=kam, account_id=group.pk)
    with pytest.raises(ValidationError) as refused:
        services.account_delete(actor=head, account_id=group.pk)
    assert "1 child account;" in refused.value.message_dict["parent"][0]
    assert Account.objects.filter(pk=group.pk).exists()


def test_a_stale_delete_is_refused(head, kam):
    account = AccountFactory(owner=kam)
    _update(kam, account, industry="Energy")
    with pytest.raises(ConflictError):
        services.account_delete(actor=head, account_id=account.pk, expected_version=1)
    assert Account.objects.filter(pk=account.pk).exists()


# --- Versions and conflicts ----------------------------------------------------------------


def test_a_stale_save_is_refused_and_the_error_carries_the_other_users_change(head, kam):
    account = AccountFactory(owner=kam, industry="Seafood", notes="")
    seen_version = account.version

    # The head saves first; the KAM still has version 1 open.
    services.account_update(
        actor=head,
        account_id=account.pk,
        expected_version=seen_version,
        changes={"industry": "Aquaculture"},
    )
    with pytest.raises(ConflictError) as conflict:
        services.account_update(
            actor=kam,
            account_id=account.pk,
            expected_version=seen_version,
            changes={"notes": "Met the CFO."},
        )

    error = conflict.value
    assert "Hedda Head changed this account after you opened it" in str(error)
    assert "now version 2, you edited version 1" in str(error)
    assert error.current.pk == account.pk
    assert error.current.version == 2
    (change,) = error.changes
    assert change.actor == head
    assert change.changes["industry"] == {
        "label": "industry",
        "old": "Seafood",
        "new": "Aquaculture",
    }
    account.refresh_from_db()
    assert (account.industry, account.notes, account.version) == ("Aquaculture", "", 2)


def test_a_conflict_lists_every_change_made_since_the_version_the_user_saw(head, kam):
    account = AccountFactory(owner=kam)
    _update(head, account, industry="Energy")
    _update(kam, account, website="https://a.example")

    with pytest.raises(ConflictError) as conflict:
        services.account_update(
            actor=head, account_id=account.pk, expected_version=1, changes={"notes": "x"}
        )
    assert [entry.version for entry in conflict.value.changes] == [2, 3]
    assert "Hedda Head, Kari Kam changed this account" in str(conflict.value)


def test_a_save_with_the_current_version_after_a_conflict_goes_through(head, kam):
    account = AccountFactory(owner=kam)
    _update(head, account, industry="Energy")
    with pytest.raises(ConflictError) as conflict:
        services.account_update(
            actor=kam, account_id=account.pk, expected_version=1, changes={"industry": "Oil"}
        )
    services.account_update(
        actor=kam,
        account_id=account.pk,
        expected_version=conflict.value.current.version,
        changes={"industry": "Oil"},
    )
    account.refresh_from_db()
    assert (account.industry, account.version) == ("Oil", 3)


# --- Hierarchy -----------------------------------------------------------------------------


def test_an_account_cannot_be_its_own_parent(kam):
    account = AccountFactory(owner=kam)
    with pytest.raises(ValidationError) as refused:
        _update(kam, account, parent=account.pk)
    assert refused.value.message_dict["parent"] == ["An account cannot be its own parent."]


def test_a_parent_below_the_account_is_rejected_as_a_cycle_naming_both(kam):
    group = AccountFactory(owner=kam, name="Nordic Group")
    division = AccountFactory(owner=kam, name="Nordic Division", parent=group)
    site = AccountFactory(owner=kam, name="Nordic Site Bergen", parent=division)

    with pytest.raises(ValidationError) as refused:
        _update(kam, group, parent=site.pk)

    (message,) = refused.value.message_dict["parent"]
    assert message == (
        "Nordic Site Bergen is below Nordic Group in the hierarchy; choosing it as parent "
        "would make a cycle."
    )
    group.refresh_from_db()
    assert group.parent_id is None
    assert group.version == 1


def test_moving_an_account_to_another_branch_of_the_hierarchy_is_allowed(kam):
    group = AccountFactory(owner=kam)
    north = AccountFactory(owner=kam, parent=group)
    south = AccountFactory(owner=kam, parent=group)
    site = AccountFactory(owner=kam, parent=north)

    _update(kam, site, parent=south.pk)

    site.refresh_from_db()
    assert site.parent == south
    assert _account_entries(site)[-1].changes["parent"] == {
        "label": "parent account",
        "old": north.name,
        "new": south.name,
    }


def test_a_parent_the_user_cannot_see_is_refused_as_unknown(kam, other_kam):
    hidden = AccountFactory(owner=other_kam)
    mine = AccountFactory(owner=kam)
    with pytest.raises(ValidationError) as refused:
        _update(kam, mine, parent=hidden.pk)
    assert refused.value.message_dict["parent"] == ["No such account."]


# --- Registration numbers ------------------------------------------------------------------


def test_a_registration_number_is_unique_within_its_country(head, kam):
    services.account_create(
        actor=head, name="First", registration_number="912345678", country="NO", owner=kam
    )
    with pytest.raises(ValidationError) as refused:
        services.account_create(
            actor=head, name="Second", registration_number="912345678", country="NO", owner=kam
        )
    assert refused.value.message_dict == {
        "registration_number": ["Another account in this country has this registration number."]
    }
    assert not Account.objects.filter(name="Second").exists()


def test_the_same_registration_number_may_exist_in_another_country(head, kam):
    services.account_create(
        actor=head, name="Norsk", registration_number="912345678", country="NO", owner=kam
    )
    other = services.account_create(
        actor=head, name="Svensk", registration_number="912345678", country="SE", owner=kam
    ).account
    assert other.pk is not None


def test_several_accounts_may_have_no_registration_number(head, kam):
    for name in ("One", "Two"):
        services.account_create(actor=head, name=name, country="NO", owner=kam)
    assert Account.objects.filter(registration_number="").count() == 2


def test_an_update_cannot_take_another_accounts_registration_number(kam):
    AccountFactory(owner=kam, country="HU", registration_number="01-09-123456")
    second = AccountFactory(owner=kam, country="HU", registration_number="01-09-654321")
    with pytest.raises(ValidationError):
        _update(kam, second, registration_number="01-09-123456")
    second.refresh_from_db()
    assert second.registration_number == "01-09-654321"


# --- Creation rules ------------------------------------------------------------------------


def test_a_kam_owns_what_they_create_and_cannot_assign_it_to_someone_else(kam, other_kam):
    mine = services.account_create(actor=kam, name="Mine").account
    assert mine.owner == kam
    with pytest.raises(ValidationError) as refused:
        services.account_create(actor=kam, name="Theirs", owner=other_kam)
    assert refused.value.message_dict["owner"] == ["Only the head of key accounts assigns KAMs."]


def test_specialists_and_administrators_cannot_create_accounts(specialist, admin_user):
    for user in (specialist, admin_user):
        with pytest.raises(ForbiddenError):
            services.account_create(actor=user, name="Nope")
    assert not Account.objects.exists()


def test_the_owner_must_be_an_active_kam_or_the_head(head, specialist):
    gone = UserFactory(username="gone", role=Role.KAM, is_active=False)
    for owner in (specialist, gone):
        with pytest.raises(ValidationError) as refused:
            services.account_create(actor=head, name="Orphan", owner=owner)
        assert refused.value.message_dict["owner"] == [
            "The owner must be an active key account manager or the head."
        ]
    with pytest.raises(ValidationError) as missing:
        services.account_create(actor=head, name="Orphan")
    assert missing.value.message_dict["owner"] == ["Every account needs an owner (its KAM)."]


def test_an_invalid_field_names_the_field_and_saves_nothing(head, kam):
    with pytest.raises(ValidationError) as refused:
        services.account_create(
            actor=head, name="Web", website="not a url", country="XX", owner=kam
        )
    assert set(refused.value.message_dict) >= {"website", "country"}
    assert not Account.objects.exists()
    assert not AuditEntry.objects.exists()


# --- Tier changes --------------------------------------------------------------------------


def test_a_kams_tier_change_becomes_a_pending_request_and_the_tier_stays(kam):
    account = AccountFactory(owner=kam, tier=Tier.GROWTH)

    result = services.account_update(
        actor=kam,
        account_id=account.pk,
        expected_version=1,
        changes={"tier": Tier.KEY},
        tier_reason="Doubling volume next year.",
    )

    request = result.tier_request
    assert request is not None
    assert (request.from_tier, request.to_tier, request.status) == (
        Tier.GROWTH,
        Tier.KEY,
        TierChangeStatus.PENDING,
    )
    assert (request.requested_by, request.reason) == (kam, "Doubling volume next year.")
    account.refresh_from_db()
    assert (account.tier, account.version) == (Tier.GROWTH, 1)
    asked = audit_entries_for(account).get(target_type__model="tierchangerequest")
    assert asked.changes["to_tier"]["new"] == "Key"


def test_a_kam_creating_a_key_account_starts_at_other_and_asks_the_head(kam):
    result = services.account_create(actor=kam, name="Big Client", tier=Tier.KEY)
    assert result.account.tier == Tier.OTHER
    assert result.tier_request is not None
    assert result.tier_request.to_tier == Tier.KEY


def test_the_head_changes_a_tier_at_once(head, kam):
    account = AccountFactory(owner=kam, tier=Tier.GROWTH)
    result = _update(head, account, tier=Tier.KEY)
    assert result.tier_request is None
    assert result.account.tier == Tier.KEY
    assert not TierChangeRequest.objects.exists()


def test_the_head_approves_a_request_and_the_account_moves_to_the_tier(head, kam):
    account = AccountFactory(owner=kam, tier=Tier.GROWTH)
    request = _update(kam, account, tier=Tier.KEY).tier_request
    assert request is not None

    decided = services.tier_request_decide(
        actor=head, request_id=request.pk, approve=True, note="Agreed."
    )

    assert decided.status == TierChangeStatus.APPROVED
    assert (decided.decided_by, decided.decision_note) == (head, "Agreed.")
    assert decided.decided_at is not None
    account.refresh_from_db()
    assert (account.tier, account.version) == (Tier.KEY, 2)
    moved = _account_entries(account)[-1]
    assert moved.actor == head
    assert moved.changes["tier"] == {"label": "tier", "old": "Growth", "new": "Key"}


def test_the_head_rejects_a_request_and_the_tier_stays(head, kam):
    account = AccountFactory(owner=kam, tier=Tier.GROWTH)
    request = _update(kam, account, tier=Tier.KEY).tier_request
    assert request is not None

    decided = services.tier_request_decide(
        actor=head, request_id=request.pk, approve=False, note="Not this year."
    )

    assert decided.status == TierChangeStatus.REJECTED
    account.refresh_from_db()
    assert (account.tier, account.version) == (Tier.GROWTH, 1)
    decision = audit_entries_for(account).filter(target_type__model="tierchangerequest").first()
    assert decision is not None
    assert decision.changes["status"] == {"label": "status", "old": "Pending", "new": "Rejected"}


def test_only_the_head_decides_and_a_decision_is_taken_once(head, kam, specialist):
    account = AccountFactory(owner=kam, tier=Tier.GROWTH)
    request = _update(kam, account, tier=Tier.KEY).tier_request
    assert request is not None
    for user in (kam, specialist):
        with pytest.raises(ForbiddenError):
            services.tier_request_decide(actor=user, request_id=request.pk, approve=True)

    services.tier_request_decide(actor=head, request_id=request.pk, approve=False)
    with pytest.raises(ValidationError) as again:
        services.tier_request_decide(actor=head, request_id=request.pk, approve=True)
    assert again.value.message_dict["status"] == ["This request was already rejected."]
    account.refresh_from_db()
    assert account.tier == Tier.GROWTH


def test_an_unknown_request_is_not_found(head):
    with pytest.raises(NotFoundError):
        services.tier_request_decide(actor=head, request_id=424242, approve=True)


def test_one_pending_request_per_account_and_asking_again_for_the_same_tier_is_harmless(kam):
    account = AccountFactory(owner=kam, tier=Tier.GROWTH)
    first = _update(kam, account, tier=Tier.KEY).tier_request
    again = _update(kam, account, tier=Tier.KEY).tier_request
    assert again == first
    with pytest.raises(ValidationError) as refused:
        _update(kam, account, tier=Tier.MAINTAIN)
    assert refused.value.message_dict["tier"] == [
        "A change to Key is already waiting for the head's decision."
    ]
    assert TierChangeRequest.objects.filter(account=account).count() == 1


# --- Access to writes ----------------------------------------------------------------------


def test_an_account_the_user_cannot_see_is_not_found_for_every_write(kam, other_kam):
    hidden = AccountFactory(owner=other_kam)
    member = AccountTeamMember.objects.get(account=hidden)
    writes = [
        lambda: services.account_update(
            actor=kam, account_id=hidden.pk, expected_version=1, changes={"industry": "x"}
        ),
        lambda: services.account_delete(actor=kam, account_id=hidden.pk),
        lambda: services.account_team_member_add(
            actor=kam, account_id=hidden.pk, user=kam, team_role="sales", level="specialist"
        ),
        lambda: services.account_team_member_update(
            actor=kam,
            account_id=hidden.pk,
            member_id=member.pk,
            team_role="sales",
            level="director",
        ),
        lambda: services.account_team_member_remove(
            actor=kam, account_id=hidden.pk, member_id=member.pk
        ),
    ]
    for write in writes:
        with pytest.raises(NotFoundError):
            write()
    hidden.refresh_from_db()
    assert hidden.version == 1


def test_a_specialist_on_the_team_reads_but_cannot_change_the_account(specialist):
    account = AccountFactory()
    TeamMemberFactory(account=account, user=specialist)
    with pytest.raises(ForbiddenError):
        _update(specialist, account, industry="x")


def test_a_kam_on_the_team_who_does_not_own_the_account_may_edit_it(kam, other_kam):
    account = AccountFactory(owner=other_kam)
    TeamMemberFactory(account=account, user=kam, team_role=TeamRole.SALES)
    _update(kam, account, industry="Telecommunications")
    account.refresh_from_db()
    assert account.industry == "Telecommunications"


def test_only_the_head_hands_an_account_to_another_kam(head, kam, other_kam):
    account = AccountFactory(owner=kam)
    with pytest.raises(ValidationError) as refused:
        _update(kam, account, owner=other_kam.pk)
    assert refused.value.message_dict["owner"] == ["Only the head of key accounts assigns KAMs."]

    _update(head, account, owner=other_kam.pk)

    team = {m.user: m.team_role for m in AccountTeamMember.objects.filter(account=account)}
    assert team == {other_kam: TeamRole.KAM_LEAD}  # the new owner leads, the old one left
    kinds = [
        (entry.action, entry.target_type.model)
        for entry in audit_entries_for(account).filter(at__gte=timezone.now() - timedelta(1))
    ]
    assert (AuditAction.DELETE, "accountteammember") in kinds


# --- The account team ----------------------------------------------------------------------


def test_a_kam_adds_a_colleague_with_role_and_level_and_it_is_audited(kam, specialist):
    account = AccountFactory(owner=kam)

    member = services.account_team_member_add(
        actor=kam,
        account_id=account.pk,
        user=specialist.pk,
        team_role=TeamRole.TECHNICAL,
        level=Level.SPECIALIST,
    )

    assert (member.user, member.team_role, member.level) == (
        specialist,
        TeamRole.TECHNICAL,
        Level.SPECIALIST,
    )
    added = audit_entries_for(account).first()
    assert added is not None
    assert (added.actor, added.action, added.target_id) == (kam, AuditAction.CREATE, member.pk)
    assert added.changes["team_role"]["new"] == "Technical"
    assert added.changes["level"]["new"] == "Specialist"


def test_a_person_joins_a_team_only_once(kam, specialist):
    account = AccountFactory(owner=kam)
    TeamMemberFactory(account=account, user=specialist)
    with pytest.raises(ValidationError) as refused:
        services.account_team_member_add(
            actor=kam, account_id=account.pk, user=specialist, team_role="sales", level="director"
        )
    assert refused.value.messages == ["This person is already on the account team."]


def test_administrators_inactive_or_unknown_people_cannot_join_a_team(kam, admin_user):
    account = AccountFactory(owner=kam)
    left = UserFactory(username="left", role=Role.SPECIALIST, is_active=False)
    for user in (admin_user, left):
        with pytest.raises(ValidationError) as refused:
            services.account_team_member_add(
                actor=kam, account_id=account.pk, user=user, team_role="sales", level="director"
            )
        assert refused.value.message_dict["user"] == [
            "Only active KAMs, specialists and the head can join a team."
        ]
    with pytest.raises(ValidationError) as unknown:
        services.account_team_member_add(
            actor=kam, account_id=account.pk, user=999999, team_role="sales", level="director"
        )
    assert unknown.value.message_dict["user"] == ["No such user."]


def test_an_unknown_team_role_or_level_is_refused_by_field(kam, specialist):
    account = AccountFactory(owner=kam)
    with pytest.raises(ValidationError) as refused:
        services.account_team_member_add(
            actor=kam, account_id=account.pk, user=specialist, team_role="boss", level="god"
        )
    assert set(refused.value.message_dict) == {"team_role", "level"}
    assert not AccountTeamMember.objects.filter(user=specialist).exists()


def test_a_team_member_update_records_the_old_and_new_role_and_level(kam, specialist):
    account = AccountFactory(owner=kam)
    member = TeamMemberFactory(
        account=account, user=specialist, team_role=TeamRole.TECHNICAL, level=Level.SPECIALIST
    )

    services.account_team_member_update(
        actor=kam,
        account_id=account.pk,
        member_id=member.pk,
        team_role=TeamRole.SERVICE,
        level=Level.DIRECTOR,
    )

    changed = audit_entries_for(account).first()
    assert changed is not None
    assert changed.action == AuditAction.UPDATE
    assert changed.changes == {
        "team_role": {"label": "team role", "old": "Technical", "new": "Service"},
        "level": {"label": "level", "old": "Specialist", "new": "Director"},
    }


def test_the_owner_stays_the_team_lead_and_cannot_leave_the_team(kam):
    account = AccountFactory(owner=kam)
    lead = AccountTeamMember.objects.get(account=account, user=kam)
    with pytest.raises(ValidationError) as demoted:
        services.account_team_member_update(
            actor=kam, account_id=account.pk, member_id=lead.pk, team_role="sales", level="director"
        )
    assert demoted.value.message_dict["team_role"] == [
        "The account's owner leads its team; assign another owner first."
    ]
    with pytest.raises(ValidationError) as removed:
        services.account_team_member_remove(actor=kam, account_id=account.pk, member_id=lead.pk)
    assert removed.value.message_dict["user"] == [
        "The account's owner cannot leave its team; assign another owner first."
    ]
    assert AccountTeamMember.objects.filter(pk=lead.pk, team_role=TeamRole.KAM_LEAD).exists()


def test_removing_a_member_is_audited_with_who_they_were(kam, specialist):
    account = AccountFactory(owner=kam)
    member = TeamMemberFactory(account=account, user=specialist, team_role=TeamRole.FINANCE)

    services.account_team_member_remove(actor=kam, account_id=account.pk, member_id=member.pk)

    assert not AccountTeamMember.objects.filter(pk=member.pk).exists()
    removed = audit_entries_for(account).first()
    assert removed is not None
    assert removed.action == AuditAction.DELETE
    assert removed.changes["user"] == {"label": "team member", "old": "Siri Spec", "new": ""}
    assert removed.changes["team_role"]["old"] == "Finance"


def test_a_member_of_another_account_is_not_found_through_this_one(kam):
    mine = AccountFactory(owner=kam)
    theirs = AccountFactory(owner=kam)
    stranger = TeamMemberFactory(account=theirs)
    with pytest.raises(NotFoundError):
        services.account_team_member_remove(actor=kam, account_id=mine.pk, member_id=stranger.pk)
    assert AccountTeamMember.objects.filter(pk=stranger.pk).exists()


def test_a_specialist_cannot_change_the_team_of_an_account_they_are_on(specialist, kam):
    account = AccountFactory(owner=kam)
    TeamMemberFactory(account=account, user=specialist)
    with pytest.raises(ForbiddenError):
        services.account_team_member_add(
            actor=specialist, account_id=account.pk, user=kam, team_role="sales", level="director"
        )


# --- How the history reads -----------------------------------------------------------------


def test_the_history_words_team_and_tier_changes_as_sentences(kam, specialist):
    account = AccountFactory(owner=kam, tier=Tier.GROWTH)
    member = services.account_team_member_add(
        actor=kam, account_id=account.pk, user=specialist, team_role="technical", level="director"
    )
    services.account_team_member_remove(actor=kam, account_id=account.pk, member_id=member.pk)
    _update(kam, account, tier=Tier.KEY)

    entries = audit_entries_for(account).exclude(target_type__model="account")
    asked, removed, added = [entry.summary for entry in entries][:3]

    assert added == "added <em>Siri Spec (Technical)</em> to the team"
    assert removed == "removed <em>Siri Spec (Technical)</em> from the team"
    assert asked == f"asked for a change of tier: <em>{account.name}: Growth → Key</em>"


def test_other_records_read_as_action_kind_and_name_with_the_name_escaped(head, kam):
    account = services.account_create(actor=head, name="<b>Bold</b> AS", owner=kam).account
    created = audit_entries_for(account).get(target_type__model="account")
    assert created.summary == "created account <em>&lt;b&gt;Bold&lt;/b&gt; AS</em>"

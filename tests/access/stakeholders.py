"""Access rules for the decision-making unit: people, personal notes and vCards.

The account's editors (the head and KAMs on its team) maintain its people; the team's
specialist reads them, personal notes included, but changes nothing. Everyone else gets 404.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from openkam.stakeholders import services
from openkam.stakeholders.models import Stakeholder
from tests.access import (
    API,
    CREATED,
    FORBIDDEN,
    NO_CONTENT,
    NOT_FOUND,
    OK,
    REDIRECT,
    TO_LOGIN,
    UNAUTHORIZED,
    Operation,
    Page,
    Rule,
    World,
)

READ = Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK)
EDIT_FORM = Rule(TO_LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN)
CHANGE = Rule(TO_LOGIN, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, FORBIDDEN)
API_READ = Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, OK)
API_CHANGE = Rule(UNAUTHORIZED, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN)

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lund;Per;;;\r\nFN:Per Lund\r\n"
    "EMAIL;TYPE=INTERNET,WORK:per.lund@nordlys.example\r\nEND:VCARD\r\n"
)


def populate(world: World) -> dict[str, int]:
    kam = world.users["kam_on_team"]
    assert kam is not None
    person = services.stakeholder_create(
        actor=kam,  # type: ignore[arg-type]
        account_id=world.account.pk,
        first_name="Ingrid",
        last_name="Sæther",
        job_title="Innkjøpsdirektør",
        buying_role="decision_maker",
        personal={"hobbies": "Sailing", "notes": "Prefers morning calls"},
    )
    return {"stakeholder_id": person.pk}


def _version(world: World) -> int:
    return Stakeholder.objects.get(pk=world.params["stakeholder_id"]).version


def _vcard(world: World) -> dict[str, object]:
    return {"file": SimpleUploadedFile("people.vcf", CARD.encode(), content_type="text/vcard")}


PAGES: dict[str, Page] = {
    # Lists answer everyone with only what they may see (nothing for the administrator).
    "stakeholders:list": Page(Rule(TO_LOGIN, OK, OK, OK, OK, OK)),
    "stakeholders:account": Page(READ),
    "stakeholders:account_panel": Page(READ),
    "stakeholders:account_vcard": Page(READ),
    "stakeholders:create": Page(EDIT_FORM),
    "stakeholders:import": Page(EDIT_FORM),
    "stakeholders:detail": Page(READ),
    "stakeholders:vcard": Page(READ),
    "stakeholders:edit": Page(EDIT_FORM),
    # The specialist reads personal notes but does not change them.
    "stakeholders:personal": Page(EDIT_FORM),
    "stakeholders:verify": Page(CHANGE, method="POST"),
    "stakeholders:left": Page(CHANGE, method="POST", data=lambda w: {"left_on": ""}),
    "stakeholders:reactivate": Page(CHANGE, method="POST"),
    "stakeholders:delete": Page(CHANGE, method="POST"),
}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", f"{API}/stakeholders"): Operation(Rule(UNAUTHORIZED, OK, OK, OK, OK, OK)),
    ("POST", f"{API}/stakeholders"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, CREATED, CREATED, NOT_FOUND, FORBIDDEN),
        body=lambda w, user: {"account_id": w.account.pk, "last_name": "Lund"},
    ),
    ("GET", f"{API}/stakeholders/{{stakeholder_id}}"): Operation(API_READ),
    ("PATCH", f"{API}/stakeholders/{{stakeholder_id}}"): Operation(
        API_CHANGE, body=lambda w, user: {"version": _version(w), "job_title": "CFO"}
    ),
    ("DELETE", f"{API}/stakeholders/{{stakeholder_id}}"): Operation(
        Rule(UNAUTHORIZED, NOT_FOUND, NO_CONTENT, NO_CONTENT, NOT_FOUND, FORBIDDEN)
    ),
    ("POST", f"{API}/stakeholders/{{stakeholder_id}}/verify"): Operation(API_CHANGE),
    ("POST", f"{API}/stakeholders/{{stakeholder_id}}/left"): Operation(
        API_CHANGE, body=lambda w, user: {}
    ),
    ("POST", f"{API}/stakeholders/{{stakeholder_id}}/reactivate"): Operation(API_CHANGE),
    ("GET", f"{API}/stakeholders/{{stakeholder_id}}/personal"): Operation(API_READ),
    ("PUT", f"{API}/stakeholders/{{stakeholder_id}}/personal"): Operation(
        API_CHANGE, body=lambda w, user: {"hobbies": "Skiing"}
    ),
    ("GET", f"{API}/stakeholders/{{stakeholder_id}}/vcard"): Operation(API_READ),
    ("GET", f"{API}/accounts/{{account_id}}/stakeholders/vcard"): Operation(API_READ),
    ("POST", f"{API}/accounts/{{account_id}}/stakeholders/vcard"): Operation(
        API_CHANGE, files=_vcard
    ),
}

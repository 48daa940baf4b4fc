"""What global search may find about people: name, role and contacts. Never personal notes."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openkam.search.registry import DocumentData, register
from openkam.stakeholders.models import Stakeholder, StakeholderStatus


def stakeholder_document(person: Stakeholder) -> DocumentData:
    body = " ".join(
        part
        for part in (
            person.job_title,
            person.department,
            person.email,
            person.phone,
            person.mobile,
            person.get_buying_role_display() if person.buying_role else "",
            str(_("left the company")) if person.status == StakeholderStatus.LEFT else "",
        )
        if part
    )
    return DocumentData(
        kind="stakeholder",
        object_id=person.pk,
        account_id=person.account_id,
        title=person.full_name,
        body=body,
        url=reverse("stakeholders:detail", args=[person.pk]),
    )


def _documents() -> Iterator[DocumentData]:
    people = Stakeholder.objects.only(
        "id",
        "account_id",
        "first_name",
        "last_name",
        "job_title",
        "department",
        "email",
        "phone",
        "mobile",
        "buying_role",
        "status",
    ).order_by("pk")
    for person in people.iterator(chunk_size=2000):
        yield stakeholder_document(person)


register(kind="stakeholder", label=_("Person"), documents=_documents, order=20)

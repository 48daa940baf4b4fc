"""Accounts in the global search: what finds an account, kept in step by the account services
and rebuilt by `kam search reindex`."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import Account
from openkam.search.registry import DocumentData, register
from openkam.search.services import search_document_upsert


def account_document(account: Account) -> DocumentData:
    parts = [
        account.legal_name,
        account.registration_number,
        account.vat_number,
        account.industry,
        str(getattr(account.country, "name", "") or ""),
        account.website,
        account.notes,
    ]
    return DocumentData(
        kind="account",
        object_id=account.pk,
        account_id=account.pk,
        title=account.name,
        body="\n".join(p for p in parts if p),
        url=reverse("accounts:detail", args=[account.pk]),
    )


def index_account(account: Account) -> None:
    doc = account_document(account)
    search_document_upsert(
        kind=doc.kind,
        object_id=doc.object_id,
        account_id=doc.account_id,
        title=doc.title,
        body=doc.body,
        url=doc.url,
    )


def documents() -> Iterator[DocumentData]:
    for account in Account.objects.order_by("pk").iterator(chunk_size=2000):
        yield account_document(account)


register(kind="account", label=_("Account"), documents=documents, order=10)

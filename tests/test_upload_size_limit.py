"""A body larger than the largest file OpenKAM takes is refused by its declared length,
before Django receives it into a temporary file; the user is told the sizes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openkam.imports.models import ImportBatch
from tests.pages import submit, text

pytestmark = pytest.mark.django_db

BIG = b"Nr,Dag,Kunde,Total\n" + b"1,2026-01-15,C-1,5\n" * 140_000  # about 2.5 MB


@pytest.fixture
def small_limits(settings):
    settings.KAM_IMPORT_MAX_MB = 1
    settings.KAM_ATTACHMENT_MAX_MB = 1


def test_an_upload_page_refuses_a_body_over_the_largest_file_with_the_sizes(
    head, client_for, small_limits
):
    client = client_for(head)
    response = client.post(
        reverse("imports:upload", args=["orders"]),
        {"file": SimpleUploadedFile("year.csv", BIG)},
    )
    assert response.status_code == 413
    assert response["Connection"] == "close"
    body = text(response)
    assert "The upload is 2.5 MB; OpenKAM takes files of at most 1 MB" in body
    assert "imports at most 1 MB, attachments at most 1 MB" in body
    assert ImportBatch.objects.count() == 0


def test_the_api_answers_413_with_the_reason_in_json(head, api_for, small_limits):
    answer = api_for(head).post("/api/v1/imports", {"file": SimpleUploadedFile("year.csv", BIG)})
    assert answer.status_code == 413
    assert "at most 1 MB" in answer.json()["detail"]
    assert ImportBatch.objects.count() == 0


def test_a_body_within_the_largest_file_reaches_the_feature_and_its_own_limit(
    head, client_for, settings
):
    settings.KAM_IMPORT_MAX_MB = 1
    settings.KAM_ATTACHMENT_MAX_MB = 25
    client = client_for(head)
    client.get(reverse("imports:upload", args=["orders"]))
    response = submit(
        client,
        reverse("imports:upload", args=["orders"]),
        {"file": SimpleUploadedFile("year.csv", BIG)},
    )
    assert response.status_code == 200
    assert "year.csv is 2.5 MB; an import takes files of at most 1 MB." in text(response)

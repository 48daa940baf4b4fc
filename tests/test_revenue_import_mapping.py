"""Column mapping: recognised from header words in six languages, confirmed or edited, saved
as a named profile; an incomplete or ambiguous mapping stops and says what settles it."""

from __future__ import annotations

import pytest

from openkam.imports.engine import ImportSettings
from openkam.imports.mapping import compact, suggest_mapping
from openkam.imports.models import MappingProfile
from openkam.imports.services import profile_save, profile_settings
from openkam.imports.targets import get_target
from openkam.revenue.importing.fields import FIELDS
from tests.factories_revenue import import_file, net_total, plan, write_export

pytestmark = pytest.mark.django_db

HEADERS = {
    "english": [
        "Invoice No",
        "Invoice Date",
        "Customer ID",
        "Customer Name",
        "Item No",
        "Description",
        "Quantity",
        "Unit Price",
        "Net Amount",
        "Currency",
        "Country",
        "Sales Rep",
    ],
    "norwegian": [
        "Fakturanr",
        "Fakturadato",
        "Kundenr",
        "Kundenavn",
        "Varenr",
        "Beskrivelse",
        "Antall",
        "Enhetspris",
        "Nettobeløp",
        "Valuta",
        "Land",
        "Selger",
    ],
    "swedish": [
        "Fakturanummer",
        "Fakturadatum",
        "Kundnr",
        "Kundnamn",
        "Artikelnr",
        "Benämning",
        "Antal",
        "Styckpris",
        "Nettobelopp",
        "Valuta",
        "Land",
        "Säljare",
    ],
    "hungarian": [
        "Számlaszám",
        "Számla kelte",
        "Vevőkód",
        "Vevő neve",
        "Cikkszám",
        "Megnevezés",
        "Mennyiség",
        "Egységár",
        "Nettó összeg",
        "Pénznem",
        "Ország",
        "Értékesítő",
    ],
    "bulgarian": [
        "Номер на фактура",
        "Дата на фактура",
        "Код на клиент",
        "Име на клиент",
        "Код на артикул",
        "Описание",
        "Количество",
        "Единична цена",
        "Нетна стойност",
        "Валута",
        "Държава",
        "Търговец",
    ],
    "russian": [
        "Номер счета",
        "Дата документа",
        "Код клиента",
        "Наименование клиента",
        "Артикул",
        "Наименование товара",
        "Количество",
        "Цена",
        "Сумма без НДС",
        "Валюта",
        "Страна",
        "Менеджер",
    ],
}
EXPECTED = [
    "document",
    "date",
    "customer",
    "customer_name",
    "product",
    "description",
    "quantity",
    "unit_price",
    "amount",
    "currency",
    "country",
    "sales_rep",
]


@pytest.mark.parametrize("language", sorted(HEADERS))
def test_an_erp_header_is_recognised_with_certainty_in_each_language(language):
    header = HEADERS[language]
    suggestion = suggest_mapping(header, FIELDS)
    assert suggestion.certain == dict(zip(header, EXPECTED, strict=True))
    assert not suggestion.conflicts


def test_no_header_word_names_two_fields():
    owners: dict[str, str] = {}
    for spec in FIELDS:
        for word in spec.words:
            key = compact(word)
            assert owners.setdefault(key, spec.name) == spec.name, (word, owners[key], spec.name)


def test_headers_compare_without_case_spaces_accents_or_punctuation():
    assert compact("Customer_ID") == compact("customer id") == "customerid"
    assert compact("Beløp") == "belop"
    assert compact("Код клиента") == "кодклиента"


def test_a_header_that_only_contains_a_field_word_is_a_suggestion_to_confirm(tmp_path):
    path = write_export(
        tmp_path, "Invoice,Date,Customer,Net amount (NOK)\nA-1,2026-01-15,C-1,100\n"
    )
    the_plan = plan(path)
    assert the_plan.suggestion.possible == {"Net amount (NOK)": "amount"}
    assert not the_plan.ok
    assert any(p.choices == ("Net amount (NOK)=amount",) for p in the_plan.problems)
    import_file(path, columns={"Net amount (NOK)": "amount"})
    assert str(net_total()) == "100.00"


def test_two_columns_claiming_one_field_are_a_conflict_the_user_settles(tmp_path):
    path = write_export(tmp_path, "Invoice,Date,Customer,Amount,Sum\nA-1,2026-01-15,C-1,100,120\n")
    the_plan = plan(path)
    assert the_plan.suggestion.conflicts == {"amount": ["Amount", "Sum"]}
    conflict = the_plan.problems[0]
    assert conflict.choices == ("Amount=amount", "Sum=amount")
    import_file(path, columns={"Sum": "amount"})
    assert str(net_total()) == "120.00"


def test_a_missing_required_column_is_named(tmp_path):
    path = write_export(tmp_path, "Invoice,Customer,Amount\nA-1,C-1,100\n")
    the_plan = plan(path)
    messages = " ".join(p.message for p in the_plan.problems)
    assert "date" in messages


def test_without_an_amount_quantity_and_unit_price_are_both_needed(tmp_path):
    path = write_export(tmp_path, "Invoice,Date,Customer,Quantity\nA-1,2026-01-15,C-1,3\n")
    assert any("unit price" in p.message for p in plan(path).problems)


def test_a_mapping_is_saved_under_a_name_and_used_for_the_next_file(tmp_path, head):
    path = write_export(
        tmp_path, "Nr;Dag;Kunde;Sum (kr)\nA-1;15.01.2026;C-1;1 000,50\n", name="first.csv"
    )
    settings = ImportSettings(
        columns={"Nr": "document", "Dag": "date", "Kunde": "customer", "Sum (kr)": "amount"},
        confirmed=True,
        options={"currency": "NOK"},
    )
    the_plan = plan(path, **settings.as_json())
    assert the_plan.ok
    profile_save(actor=head, kind="orders", name="Visma monthly", plan=the_plan)
    saved = MappingProfile.objects.get(name="Visma monthly")
    assert saved.date_format == "%d.%m.%Y"
    assert saved.decimal_style == "comma"
    assert saved.options["currency"] == "NOK"
    second = write_export(
        tmp_path, "Nr;Dag;Kunde;Sum (kr)\nB-1;16.01.2026;C-2;2 000,00\n", name="second.csv"
    )
    reused = plan(second, **profile_settings(saved).as_json())
    assert reused.ok
    assert reused.options["currency"] == "NOK"


def test_saving_a_mapping_again_under_its_name_updates_it(tmp_path, head):
    path = write_export(tmp_path, "Invoice,Date,Customer,Amount\nA-1,2026-01-15,C-1,1\n")
    the_plan = plan(path, options={"currency": "SEK"})
    profile_save(actor=head, kind="orders", name="ERP", plan=the_plan)
    the_plan = plan(path, options={"currency": "HUF"})
    profile_save(actor=head, kind="orders", name="ERP", plan=the_plan)
    assert MappingProfile.objects.get().options["currency"] == "HUF"


def test_the_order_lines_target_declares_what_the_issue_requires():
    target = get_target("orders")
    names = {spec.name for spec in target.fields}
    assert {
        "customer",
        "date",
        "amount",
        "quantity",
        "unit_price",
        "document",
        "line_no",
        "product",
        "description",
        "currency",
        "cost",
        "margin",
        "country",
        "sales_rep",
    } <= names

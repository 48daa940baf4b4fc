"""Reading exports as ERPs write them: encodings, delimiters, compression, number and date
formats; ambiguity is never guessed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from openkam.imports.readers import detect_encoding, open_table
from openkam.imports.values import (
    COMMA,
    POINT,
    AmbiguousFormat,
    ValueProblem,
    detect_date_format,
    detect_decimal_style,
    parse_date,
    parse_number,
)
from openkam.revenue.models import Customer
from tests.factories_revenue import import_file, lines, net_total, plan, write_export

pytestmark = pytest.mark.django_db

NORWEGIAN = (
    "Fakturanr;Fakturadato;Kundenr;Kundenavn;Varenr;Beskrivelse;Antall;Enhetspris\n"
    "F-1;15.01.2026;K-1;Bjørn Ås Fiskeri;V-1;Torsk, fersk;2;1 234,50\n"
    "F-1;15.01.2026;K-1;Bjørn Ås Fiskeri;V-2;Sild;1;99,00\n"
)
RUSSIAN = (
    "Номер счета;Дата;Код клиента;Наименование клиента;Артикул;Количество;Цена\n"
    "С-1;15.01.2026;К-1;ООО Северный ветер;А-1;3;1 000,00\n"
)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf_8"),
        ("utf-8-sig", "utf_8_sig"),
        ("cp1252", "cp1252"),
        ("latin-1", "latin_1"),
    ],
)
def test_a_latin_export_is_read_in_the_encoding_it_was_written_in(tmp_path, encoding, expected):
    text = NORWEGIAN
    if encoding == "cp1252":
        text = text.replace("Sild", "Sild – filet")  # an en dash exists in cp1252 only
    path = write_export(tmp_path, text, encoding=encoding)
    with open_table(path) as table:
        assert table.encoding == expected
        assert table.delimiter == ";"
        assert table.header[0] == "Fakturanr"
    import_file(path)
    assert Customer.objects.get(code="K-1").name == "Bjørn Ås Fiskeri"
    assert net_total() == Decimal("2568.00")


@pytest.mark.parametrize(
    ("encoding", "expected"), [("cp1251", "cp1251"), ("iso8859_5", "iso8859_5")]
)
def test_a_cyrillic_export_is_told_apart_from_a_latin_one(tmp_path, encoding, expected):
    path = write_export(tmp_path, RUSSIAN * 1, encoding=encoding)
    with open_table(path) as table:
        assert table.encoding == expected
    import_file(path)
    assert Customer.objects.get(code="К-1").name == "ООО Северный ветер"


def test_detection_prefers_the_reading_that_makes_words():
    norwegian = "Kunde;Bjørn Ås Fiskeri;Tromsø;Ålesund\n".encode("cp1252")
    bulgarian = "Клиент;Северен вятър ООД;София;Пловдив\n".encode("cp1251")
    assert detect_encoding(norwegian) in ("cp1252", "latin_1")
    assert detect_encoding(bulgarian) == "cp1251"
    assert detect_encoding("Клиент;София\n".encode("iso8859_5")) == "iso8859_5"


def test_the_encoding_can_be_chosen_when_detection_would_not_do(tmp_path):
    path = write_export(tmp_path, RUSSIAN, encoding="cp1251")
    import_file(path, encoding="cp1251")
    assert Customer.objects.get(code="К-1").name == "ООО Северный ветер"


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_the_delimiter_is_detected(tmp_path, delimiter, name):
    rows = [
        ["Invoice", "Date", "Customer", "Amount"],
        ["A-1", "2026-01-15", "C-1", "10.00"],
        ["A-2", "2026-01-16", "C-2", "20.00"],
    ]
    path = write_export(tmp_path, "\n".join(delimiter.join(r) for r in rows) + "\n")
    with open_table(path) as table:
        assert table.delimiter == delimiter, name
    import_file(path)
    assert net_total() == Decimal("30.00")


def test_a_gzip_compressed_export_is_read_as_a_stream(tmp_path):
    path = write_export(tmp_path, NORWEGIAN, name="orders.csv.gz")
    import_file(path)
    assert len(lines()) == 2


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("1 234,56", COMMA, "1234.56"),
        ("1.234,56", COMMA, "1234.56"),
        ("1\u00a0234,56", COMMA, "1234.56"),
        ("-1.234,5", COMMA, "-1234.5"),
        ("1,234.56", POINT, "1234.56"),
        ("1234.56", POINT, "1234.56"),
        ("(1,234.56)", POINT, "-1234.56"),
        ("1234.56-", POINT, "-1234.56"),
        ("kr 1 234,50", COMMA, "1234.50"),
        ("€1,234.56", POINT, "1234.56"),
        ("12", POINT, "12"),
    ],
)
def test_numbers_are_read_with_thousands_separators_and_either_decimal_mark(text, style, expected):
    assert parse_number(text, style) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "style"),
    [("12,5", POINT), ("1.234.5", COMMA), ("abc", POINT), ("NaN", POINT), ("1,2,3", POINT)],
)
def test_a_number_in_the_wrong_style_is_refused_with_a_reason(text, style):
    with pytest.raises(ValueProblem):
        parse_number(text, style)


def test_a_decimal_comma_value_in_a_point_file_says_what_is_wrong():
    with pytest.raises(ValueProblem, match="decimal comma"):
        parse_number("12,50", POINT)


def test_the_decimal_style_is_detected_and_asked_for_when_unclear():
    assert detect_decimal_style(["1 234,56", "12"]) == COMMA
    assert detect_decimal_style(["1,234.56", "6.95"]) == POINT
    assert detect_decimal_style(["12", "7"]) is None
    with pytest.raises(AmbiguousFormat) as ambiguous:
        detect_decimal_style(["1,234", "2,500"])
    assert ambiguous.value.option == "decimal"


@pytest.mark.parametrize(
    ("values", "fmt"),
    [
        (["2026-01-15", "2026-02-01 07:45:00"], "%Y-%m-%d"),
        (["15.01.2026", "01.02.2026"], "%d.%m.%Y"),
        (["2026.01.15.", "2026. 02. 01."], "%Y.%m.%d"),
        (["15/01/2026", "01/02/2026"], "%d/%m/%Y"),
        (["01/15/2026", "02/01/2026"], "%m/%d/%Y"),
        (["46037", "46054"], "excel"),
    ],
)
def test_the_date_format_is_detected(values, fmt):
    found = detect_date_format(values)
    assert found is not None
    assert found.format == fmt


def test_an_excel_serial_is_the_day_excel_shows():
    assert parse_date("46037", "excel") == date(2026, 1, 15)
    assert parse_date(46037, "%Y-%m-%d") == date(2026, 1, 15)


def test_dates_that_read_both_ways_are_never_guessed():
    with pytest.raises(AmbiguousFormat) as ambiguous:
        detect_date_format(["03/04/2026", "05/06/2026"])
    assert ambiguous.value.option == "date-format"
    assert set(ambiguous.value.choices) == {"%d/%m/%Y", "%m/%d/%Y"}


def test_an_ambiguous_file_stops_before_reading_a_row_and_says_what_settles_it(tmp_path):
    path = write_export(
        tmp_path, "Invoice,Date,Customer,Amount\nA-1,03/04/2026,C-1,10.00\nA-2,05/06/2026,C-1,5\n"
    )
    the_plan = plan(path)
    assert not the_plan.ok
    assert [p.option for p in the_plan.problems] == ["date-format"]
    import_file(path, date_format="%m/%d/%Y")
    assert [line.date for line in lines()] == [date(2026, 3, 4), date(2026, 5, 6)]


def test_a_chosen_format_is_applied_to_every_row(tmp_path):
    path = write_export(
        tmp_path, "Invoice,Date,Customer,Amount\nA-1,03/04/2026,C-1,10.00\nA-2,13/04/2026,C-1,5\n"
    )
    import_file(path)  # 13/04 settles it: day first
    assert [line.date for line in lines()] == [date(2026, 4, 3), date(2026, 4, 13)]

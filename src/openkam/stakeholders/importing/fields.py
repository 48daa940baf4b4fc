"""The fields of a people (stakeholder) import and the header words that name them.

Words are given as CRM exports, address books and spreadsheets write them, in English,
Norwegian, Swedish, Hungarian, Bulgarian and Russian; the mapping compares them without
case, accents, spaces or punctuation. "Име"/"Имя" are first names (Bulgarian and Russian
headers give the family name its own column, or the whole name as "Име и фамилия"/"ФИО").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from openkam.core.choices import Level
from openkam.imports.mapping import CODE, DATE, INTEGER, TEXT, FieldSpec
from openkam.stakeholders.models import Attitude, BuyingRole, Channel

# fmt: off
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "account",
        _("account name"),
        TEXT,
        200,
        words=(
            "account", "account name", "company", "company name", "organisation",
            "organization", "customer name", "client name", "employer", "firm",
            "firma", "firmanavn", "kundenavn", "selskap", "bedrift", "arbeidsgiver",
            "företag", "företagsnamn", "kundnamn", "bolag", "arbetsgivare",
            "cég", "cégnév", "ügyfél neve", "vállalat", "munkahely",
            "фирма", "име на фирма", "компания", "работодател",
            "организация", "название компании", "наименование организации",
        ),
        help=_("The account the person works for, by its name in OpenKAM."),
    ),
    FieldSpec(
        "account_number",
        _("account's registration number"),
        CODE,
        50,
        words=(
            "registration number", "company number", "org number", "organisation number",
            "organization number", "organisasjonsnummer", "orgnr", "org nr",
            "organisationsnummer", "cégjegyzékszám", "еик", "булстат", "огрн",
        ),
    ),
    FieldSpec(
        "customer_id",
        _("account's ERP customer id"),
        CODE,
        100,
        words=(
            "customer id", "customer no", "customer number", "customer code", "erp id",
            "client id", "kundenr", "kundenummer", "kunde-id", "kundnr", "kundnummer",
            "kund-id", "vevőkód", "ügyfélkód", "ügyfélszám", "код на клиент",
            "номер на клиент", "код клиента", "номер клиента", "код контрагента",
        ),
    ),
    FieldSpec(
        "full_name",
        _("full name"),
        TEXT,
        200,
        words=(
            "name", "full name", "contact", "contact name", "contact person", "person",
            "navn", "fullt navn", "kontakt", "kontaktperson", "kontaktnavn",
            "namn", "fullständigt namn", "kontaktperson",
            "név", "teljes név", "kapcsolattartó", "kapcsolattartó neve",
            "име и фамилия", "пълно име", "лице за контакт", "контактно лице",
            "фио", "полное имя", "контактное лицо", "ф.и.о.",
        ),
        help=_("First and last name in one column; split at the last space, or at a comma "
               "for \"Last, First\"."),
    ),
    FieldSpec(
        "first_name",
        _("first name"),
        TEXT,
        100,
        words=(
            "first name", "firstname", "given name", "forename",
            "fornavn", "förnamn", "keresztnév", "utónév",
            "име", "собствено име", "имя",
        ),
    ),
    FieldSpec(
        "last_name",
        _("last name"),
        TEXT,
        100,
        words=(
            "last name", "lastname", "surname", "family name",
            "etternavn", "efternamn", "vezetéknév", "családnév", "családi név",
            "фамилия", "фамилно име",
        ),
    ),
    FieldSpec(
        "job_title",
        _("job title"),
        TEXT,
        150,
        words=(
            "title", "job title", "position", "contact title", "job", "function",
            "stilling", "tittel", "stillingstittel", "titel", "befattning", "yrkestitel",
            "beosztás", "titulus", "munkakör", "pozíció",
            "длъжност", "позиция", "должность",
        ),
    ),
    FieldSpec(
        "department",
        _("department"),
        TEXT,
        150,
        words=(
            "department", "dept", "division", "unit",
            "avdeling", "avdelning", "osztály", "részleg",
            "отдел", "звено", "подразделение", "департамент",
        ),
    ),
    FieldSpec(
        "level",
        _("level"),
        TEXT,
        50,
        words=(
            "level", "seniority", "management level", "hierarchy level",
            "nivå", "ledernivå", "chefsnivå", "szint", "vezetői szint",
            "ниво", "йерархично ниво", "уровень", "уровень должности",
        ),
        choices=Level,
    ),
    FieldSpec(
        "buying_role",
        _("buying role"),
        TEXT,
        50,
        words=(
            "buying role", "role", "role in decision", "decision role", "purchase role",
            "rolle", "kjøpsrolle", "rolle i beslutningen", "roll", "köproll",
            "szerep", "vásárlási szerep", "döntési szerep",
            "роля", "роля в покупката", "роль", "роль в закупке", "роль в решении",
        ),
        choices=BuyingRole,
    ),
    FieldSpec(
        "attitude",
        _("attitude to us"),
        TEXT,
        50,
        words=(
            "attitude", "attitude to us", "sentiment", "relationship",
            "holdning", "inställning", "hozzáállás", "viszony", "отношение", "лояльность",
        ),
        choices=Attitude,
    ),
    FieldSpec(
        "influence",
        _("influence (1-5)"),
        INTEGER,
        words=(
            "influence", "influence level", "power", "innflytelse", "inflytande",
            "befolyás", "влияние",
        ),
    ),
    FieldSpec(
        "email",
        _("e-mail"),
        TEXT,
        254,
        words=(
            "email", "e-mail", "email address", "e-mail address", "mail", "e-post", "epost",
            "e-postadresse", "e-postadress", "e-mail cím", "email cím", "имейл", "е-поща",
            "електронна поща", "эл. почта", "электронная почта", "почта",
        ),
    ),
    FieldSpec(
        "phone",
        _("phone"),
        TEXT,
        50,
        words=(
            "phone", "telephone", "phone number", "tel", "work phone", "business phone",
            "direct phone", "office phone", "telefon", "telefonnummer", "telefonszám",
            "телефон", "рабочий телефон", "служебен телефон",
        ),
    ),
    FieldSpec(
        "mobile",
        _("mobile"),
        TEXT,
        50,
        words=(
            "mobile", "mobile phone", "cell", "cell phone", "cellphone", "mobil",
            "mobiltelefon", "mobilnummer", "mobilszám", "мобилен", "мобилен телефон", "gsm",
            "мобильный", "мобильный телефон", "сотовый",
        ),
    ),
    FieldSpec(
        "address",
        _("street address"),
        TEXT,
        500,
        words=(
            "address", "street", "street address", "address line 1", "adresse",
            "gateadresse", "besøksadresse", "adress", "gatuadress", "besöksadress",
            "cím", "utca", "адрес", "улица",
        ),
    ),
    FieldSpec(
        "postal_code",
        _("postal code"),
        CODE,
        20,
        words=(
            "postal code", "zip", "zip code", "postcode", "post code", "postnummer", "postnr",
            "irányítószám", "irsz", "пощенски код", "почтовый индекс", "индекс",
        ),
    ),
    FieldSpec(
        "city",
        _("city"),
        TEXT,
        100,
        words=(
            "city", "town", "poststed", "sted", "ort", "postort", "stad", "város",
            "település", "град", "населено място", "город", "населённый пункт",
        ),
    ),
    FieldSpec(
        "region",
        _("region"),
        TEXT,
        100,
        words=(
            "region", "state", "county", "province", "fylke", "län", "megye", "област",
            "область", "регион",
        ),
    ),
    FieldSpec(
        "country",
        _("country"),
        TEXT,
        100,
        words=("country", "land", "ország", "държава", "страна"),
    ),
    FieldSpec(
        "profile_url",
        _("profile URL"),
        TEXT,
        300,
        words=(
            "linkedin", "linkedin url", "profile", "profile url", "url", "web", "website",
            "profil", "profilside", "profilsida", "profil url", "профил", "профиль",
        ),
    ),
    FieldSpec(
        "preferred_channel",
        _("preferred channel"),
        TEXT,
        50,
        words=(
            "preferred channel", "channel", "foretrukken kanal", "föredragen kanal",
            "preferált csatorna", "предпочитан канал", "предпочтительный канал",
        ),
        choices=Channel,
    ),
    FieldSpec(
        "last_verified",
        _("last verified"),
        DATE,
        words=(
            "last verified", "verified", "verified on", "last checked", "sist bekreftet",
            "bekreftet", "senast verifierad", "verifierad", "utoljára ellenőrizve",
            "ellenőrizve", "последна проверка", "проверено", "дата проверки",
        ),
        help=_("When the details were last confirmed; empty: never (the person shows as "
               "to be verified)."),
    ),
)
# fmt: on

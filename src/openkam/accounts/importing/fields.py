"""The fields of an account import and the header words that name them.

Words are given as CRM exports and spreadsheets write them, in English, Norwegian, Swedish,
Hungarian, Bulgarian and Russian; the mapping compares them without case, accents, spaces or
punctuation. A header that is exactly one of the words is mapped with certainty.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import Tier
from openkam.imports.mapping import CODE, CURRENCY_CODE, TEXT, FieldSpec

# fmt: off
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "name",
        _("account name"),
        TEXT,
        200,
        words=(
            "name", "account", "account name", "company", "company name", "organisation",
            "organization", "organisation name", "organization name", "client name",
            "customer name", "firm", "navn", "firma", "firmanavn", "kundenavn", "selskap",
            "bedrift", "bedriftsnavn", "namn", "företag", "företagsnamn", "kundnamn", "bolag",
            "név", "cégnév", "cég", "ügyfél neve", "ügyfélnév", "vállalat", "partner neve",
            "име", "фирма", "име на фирма", "име на клиент", "компания",
            "наименование на фирма", "название", "наименование", "организация",
            "название компании", "наименование организации",
        ),
    ),
    FieldSpec(
        "legal_name",
        _("legal name"),
        TEXT,
        250,
        words=(
            "legal name", "registered name", "official name", "legal entity",
            "full legal name", "juridisk navn", "registrert navn", "offisielt navn",
            "juridiskt namn", "registrerat namn", "firmanamn", "hivatalos név",
            "teljes cégnév", "cég hivatalos neve", "юридическо наименование",
            "пълно наименование", "юридическо име", "юридическое название",
            "юридическое наименование", "полное наименование",
        ),
    ),
    FieldSpec(
        "registration_number",
        _("registration number"),
        CODE,
        50,
        words=(
            "registration number", "registration no", "reg no", "reg number", "company number",
            "company registration number", "company id", "business id", "org number",
            "organisation number", "organization number", "crn", "organisasjonsnummer",
            "orgnr", "org nr", "org.nr.", "foretaksnummer", "organisationsnummer", "org.nr",
            "cégjegyzékszám", "cégjegyzék szám", "cégjegyzékszáma", "еик", "булстат",
            "еик/булстат", "единен идентификационен код", "огрн", "регистрационный номер",
            "основной государственный регистрационный номер",
        ),
    ),
    FieldSpec(
        "vat_number",
        _("VAT number"),
        CODE,
        50,
        words=(
            "vat", "vat number", "vat no", "vat id", "vat reg no", "tax id", "tax number",
            "vat registration number", "mva-nummer", "mva nummer", "mvanr", "mva-nr",
            "momsregistreringsnummer", "momsnummer", "momsnr", "vat-nummer", "momsreg.nr",
            "adószám", "közösségi adószám", "áfa szám", "uniós adószám", "ддс номер",
            "идентификационен номер по ддс", "ин по ддс", "номер по ддс", "инн", "номер ндс",
            "ндс номер", "идентификационный номер налогоплательщика",
        ),
    ),
    FieldSpec(
        "industry",
        _("industry"),
        TEXT,
        100,
        words=(
            "industry", "sector", "line of business", "vertical", "business sector", "bransje",
            "næring", "sektor", "bransch", "näringsgren", "iparág", "ágazat", "szektor",
            "tevékenységi kör", "отрасъл", "индустрия", "сектор", "дейност", "отрасль",
            "индустрия", "сфера деятельности",
        ),
    ),
    FieldSpec(
        "country",
        _("country"),
        TEXT,
        100,
        words=(
            "country", "country code", "nation", "land", "landkode", "landskod", "ország",
            "országkód", "държава", "страна", "код страны",
        ),
        help=_("A country name in any of OpenKAM's languages, or its ISO code (NO, NOR)."),
    ),
    FieldSpec(
        "website",
        _("website"),
        TEXT,
        200,
        words=(
            "website", "web site", "web", "url", "homepage", "home page", "www", "web address",
            "nettside", "hjemmeside", "nettsted", "webbplats", "hemsida", "webbsida",
            "weboldal", "honlap", "webcím", "уебсайт", "уеб сайт", "сайт", "интернет страница",
            "веб-сайт", "вебсайт",
        ),
    ),
    FieldSpec(
        "parent",
        _("parent account"),
        TEXT,
        200,
        words=(
            "parent", "parent account", "parent company", "subsidiary of", "part of", "group",
            "holding", "ultimate parent", "morselskap", "konsern", "del av", "moderbolag",
            "koncern", "dotterbolag till", "anyavállalat", "anyacég", "cégcsoport",
            "компания майка", "дружество майка", "група", "дъщерно дружество на",
            "материнская компания", "головная компания", "холдинг", "группа компаний",
        ),
        help=_(
            "The name or registration number of an account in OpenKAM or elsewhere in the file."
        ),
    ),
    FieldSpec(
        "owner",
        _("owner (KAM)"),
        TEXT,
        254,
        words=(
            "owner", "account owner", "account manager", "kam", "key account manager",
            "responsible", "owner email", "eier", "ansvarlig", "kundeansvarlig",
            "kontoansvarlig", "ägare", "ansvarig", "kundansvarig", "felelős", "tulajdonos",
            "ügyfélfelelős", "kulcsügyfél-menedzser", "отговорник", "собственик",
            "мениджър ключови клиенти", "ответственный", "владелец",
            "менеджер по ключевым клиентам",
        ),
        help=_("The owner's login or e-mail address."),
    ),
    FieldSpec(
        "tier",
        _("tier"),
        TEXT,
        50,
        words=(
            "tier", "account tier", "segment", "category", "classification", "priority",
            "nivå", "kundekategori", "kategori", "kundkategori", "szint", "szegmens",
            "kategória", "besorolás", "ниво", "сегмент", "категория", "уровень",
            "категория клиента",
        ),
        choices=Tier,
    ),
    FieldSpec(
        "currency",
        _("currency"),
        CODE,
        3,
        words=(
            "currency", "curr", "ccy", "currency code", "invoice currency", "valuta",
            "valutakode", "valutakod", "pénznem", "deviza", "валута", "валюта", "код валюты",
        ),
        accepts=CURRENCY_CODE,
    ),
    FieldSpec(
        "customer_ids",
        _("ERP customer ids"),
        CODE,
        2000,
        words=(
            "customer id", "customer ids", "customer no", "customer number", "customer code",
            "erp id", "erp ids", "erp customer id", "erp customer ids", "debtor", "debtor no",
            "client id", "client no", "sold-to", "sold to", "kundenr", "kundenummer",
            "kunde-id", "kundeid", "kundnr", "kundnummer", "kund-id", "kundid", "vevőkód",
            "vevőszám", "ügyfélkód", "ügyfélszám", "ügyfél azonosító", "partnerkód",
            "код на клиент", "клиентски номер", "номер на клиент", "код клиента",
            "номер клиента", "код контрагента",
        ),
        help=_("One or several ids of the account in the ERP, separated by commas or semicolons."),
    ),
    FieldSpec(
        "notes",
        _("notes"),
        TEXT,
        20_000,
        words=(
            "notes", "note", "comment", "comments", "remarks", "notater", "merknad",
            "merknader", "kommentar", "anteckningar", "anmärkning", "megjegyzés",
            "megjegyzések", "бележки", "бележка", "коментар", "примечание", "примечания",
            "комментарий",
        ),
    ),
)
# fmt: on

"""The header words that name the fields of an order-line import, as ERP and accounting exports
write them, in English, Norwegian, Swedish, Hungarian, Bulgarian and Russian. The mapping
compares them without case, accents, spaces or punctuation; a header that is exactly one of
them is mapped with certainty.
"""

from __future__ import annotations

# fmt: off
WORDS: dict[str, tuple[str, ...]] = {
    "customer": (
        "customer id", "customer no", "customer number", "customer code", "customer", "client id",
        "client no", "client", "debtor", "debtor no", "sold-to", "sold to", "kundenr",
        "kundenummer", "kunde-id", "kundeid", "kunde", "kundnr", "kundnummer", "kund-id", "kundid",
        "kund", "vevőkód", "vevő kód", "vevő azonosító", "vevőszám", "vevő", "ügyfélkód",
        "ügyfél azonosító", "ügyfélszám", "ügyfél", "partnerkód", "partner", "код на клиент",
        "клиент", "номер на клиент", "клиентски номер", "код клиент", "код клиента",
        "номер клиента", "код контрагента", "контрагент", "покупатель", "код покупателя",
    ),
    "customer_name": (
        "customer name", "client name", "company", "company name", "kundenavn", "firmanavn",
        "kundnamn", "företagsnamn", "företag", "vevő neve", "vevőnév", "ügyfél neve", "ügyfélnév",
        "partner neve", "cégnév", "име на клиент", "име на клиента", "наименование на клиент",
        "фирма", "наименование клиента", "название клиента", "имя клиента",
        "наименование контрагента", "наименование покупателя",
    ),
    "document": (
        "invoice", "invoice no", "invoice number", "invoice id", "order", "order no",
        "order number", "order id", "document", "document no", "document number", "voucher",
        "voucher no", "fakturanr", "fakturanummer", "faktura", "ordrenr", "ordrenummer", "ordre",
        "bilagsnr", "bilagsnummer", "bilag", "ordernr", "ordernummer", "verifikationsnr",
        "verifikation", "számlaszám", "számla", "számla sorszáma", "rendelésszám", "rendelés",
        "bizonylatszám", "bizonylat", "фактура", "номер на фактура", "фактура номер", "поръчка",
        "номер на поръчка", "документ", "номер на документ", "счет", "счёт", "номер счета",
        "номер счёта", "счет-фактура", "счёт-фактура", "номер счета-фактуры", "накладная",
        "номер накладной", "заказ", "номер заказа", "номер документа",
    ),
    "line_no": (
        "line", "line no", "line number", "line id", "position", "pos", "linje", "linjenr",
        "linjenummer", "rad", "radnr", "radnummer", "sor", "sorszám", "tétel", "tételszám",
        "tétel sorszáma", "ред", "номер на ред", "позиция", "строка", "номер строки", "№ п/п",
        "номер позиции",
    ),
    "date": (
        "date", "invoice date", "order date", "document date", "posting date", "sales date",
        "delivery date", "dato", "fakturadato", "ordredato", "bilagsdato", "leveringsdato",
        "datum", "fakturadatum", "orderdatum", "leveransdatum", "dátum", "kelt", "számla kelte",
        "számla dátuma", "teljesítés", "teljesítés dátuma", "teljesítés napja", "дата",
        "дата на фактура", "дата на документ", "дата на поръчка", "дата счета", "дата документа",
        "дата отгрузки", "дата продажи", "дата заказа",
    ),
    "product": (
        "product", "product code", "product no", "product id", "item", "item no", "item number",
        "item code", "article", "article no", "sku", "stock code", "material", "material no",
        "varenr", "varenummer", "vare", "produkt", "produktnr", "artikkel", "artikkelnr",
        "artikelnr", "artikelnummer", "artikel", "termékkód", "cikkszám", "termék", "cikk",
        "продукт", "код на продукт", "артикул", "код на артикул", "стока", "код на стока",
        "код товара", "товар", "номенклатура", "код номенклатуры",
    ),
    "description": (
        "description", "product name", "item name", "item description", "text", "beskrivelse",
        "varenavn", "produktnavn", "tekst", "varetekst", "beskrivning", "benämning", "artikelnamn",
        "produktnamn", "text", "megnevezés", "leírás", "termék neve", "terméknév",
        "cikk megnevezése", "описание", "наименование", "име на продукт", "наименование на стока",
        "наименование товара", "название товара",
    ),
    "quantity": (
        "quantity", "qty", "units", "pcs", "antall", "mengde", "kvantum", "antal", "kvantitet",
        "mängd", "mennyiség", "db", "darab", "количество", "брой", "к-во", "кол-во", "кол",
    ),
    "unit_price": (
        "price", "unit price", "net price", "sales price", "pris", "enhetspris", "stykkpris",
        "salgspris", "á-pris", "a-pris", "styckpris", "försäljningspris", "egységár", "ár",
        "nettó egységár", "eladási ár", "цена", "единична цена", "ед. цена", "цена за единица",
        "цена за единицу", "цена за ед", "цена продажи",
    ),
    "amount": (
        "amount", "net amount", "line amount", "net", "total", "line total", "sales", "revenue",
        "net sales", "net value", "value", "beløp", "nettobeløp", "sum", "linjesum", "omsetning",
        "netto", "belopp", "nettobelopp", "summa", "radsumma", "försäljning", "omsättning",
        "összeg", "nettó összeg", "nettó érték", "érték", "árbevétel", "nettó", "сума", "стойност",
        "нетна стойност", "сума без ддс", "оборот", "сумма", "сумма без ндс", "выручка",
        "стоимость", "итого",
    ),
    "currency": (
        "currency", "curr", "ccy", "currency code", "valuta", "valutakode", "valutakod", "pénznem",
        "deviza", "валута", "валюта", "код валюты",
    ),
    "cost": (
        "cost", "cost price", "cogs", "cost of goods", "kostnad", "kostpris", "innpris",
        "självkostnad", "inköpspris", "költség", "bekerülési érték", "beszerzési ár",
        "себестойност", "разход", "себестоимость", "затраты",
    ),
    "margin": (
        "margin", "gross margin", "profit", "gross profit", "dekningsbidrag", "marginal",
        "täckningsbidrag", "árrés", "fedezet", "haszon", "марж", "печалба", "маржа", "наценка",
        "прибыль",
    ),
    "country": (
        "country", "country code", "land", "landkode", "landskod", "ország", "държава", "страна",
    ),
    "sales_rep": (
        "sales rep", "salesperson", "sales person", "seller", "account manager", "selger",
        "ansvarlig selger", "säljare", "ansvarig säljare", "értékesítő", "üzletkötő", "търговец",
        "търговски представител", "менеджер", "продавец", "торговый представитель",
    ),
}
# fmt: on

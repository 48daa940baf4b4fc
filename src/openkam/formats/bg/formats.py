# Bulgarian: Django's own module lacks the date-time formats, the first weekday and the digit
# grouping, so those fall back to American defaults; these complete it as Bulgarians write them.
# `E` gives the month in lower case (see openkam.core.dates): "5 март 2026 г.".
DATE_FORMAT = "j E Y г."
DATETIME_FORMAT = "j E Y г., H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "E Y г."
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3

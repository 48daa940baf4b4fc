"""Month names as OpenKAM's languages write them in dates.

Django's Bulgarian catalogue capitalises month names ("5 Март 2026"), but Bulgarian writes
them in lower case ("5 март 2026 г."). The forms Django uses for the `E` date format (context
"alt. month") are declared here again so that this app's catalogue, which Django prefers over
its own, can give them; the Bulgarian format module (openkam/formats/bg) uses `E`.
"""

from django.utils.translation import pgettext_lazy

MONTHS_ALT = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from openkam.api import api

urlpatterns = [
    path("", include("openkam.web.urls")),
    path("", include("openkam.users.urls")),
    path("accounts/", include("openkam.accounts.urls")),
    path("imports/", include("openkam.imports.urls")),
    path("revenue/", include("openkam.revenue.urls")),
    path("stakeholders/", include("openkam.stakeholders.urls")),
    path("activity/", include("openkam.activity.urls")),
    path("knowledge/", include("openkam.knowledge.urls")),
    path("search/", include("openkam.search.urls")),
    path("commitments/", include("openkam.commitments.urls")),
    path("cadence/", include("openkam.cadence.urls")),
    path("notifications/", include("openkam.notifications.urls")),
    path("digest/", include("openkam.digest.urls")),
    path("calendar/", include("openkam.calendarfeed.urls")),
    path("insights/", include("openkam.insights.urls")),
    path("currency/", include("openkam.currency.urls")),
    # Open before signing in: the sign-in page offers the language switch.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", api.urls),
]

handler403 = "openkam.web.views.error_403"
handler404 = "openkam.web.views.error_404"
handler500 = "openkam.web.views.error_500"

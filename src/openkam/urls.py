from django.urls import include, path

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
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

handler403 = "openkam.web.views.error_403"
handler404 = "openkam.web.views.error_404"
handler500 = "openkam.web.views.error_500"

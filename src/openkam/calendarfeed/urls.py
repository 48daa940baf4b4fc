from django.urls import path

from openkam.calendarfeed import views

app_name = "calendarfeed"
urlpatterns = [
    path("", views.calendar_page, name="page"),
    path("address/", views.calendar_token_create, name="create"),
    path("address/revoke/", views.calendar_token_revoke, name="revoke"),
    path("feed/<str:feed_token>.ics", views.calendar_feed, name="feed"),
]

from django.urls import URLPattern

app_name = "calendarfeed"
urlpatterns: list[URLPattern] = []

from django.urls import URLPattern

app_name = "cadence"
urlpatterns: list[URLPattern] = []

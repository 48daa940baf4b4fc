from django.urls import URLPattern

app_name = "revenue"
urlpatterns: list[URLPattern] = []

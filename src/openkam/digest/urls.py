from django.urls import URLPattern

app_name = "digest"
urlpatterns: list[URLPattern] = []

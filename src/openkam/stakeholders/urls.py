from django.urls import URLPattern

app_name = "stakeholders"
urlpatterns: list[URLPattern] = []

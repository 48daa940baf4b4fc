from django.urls import path

from openkam.digest import views

app_name = "digest"
urlpatterns = [
    path("", views.digest_list, name="list"),
    path("preview/", views.digest_preview, name="preview"),
    path("schedule/", views.digest_schedule, name="schedule"),
    path("<int:digest_id>/", views.digest_detail, name="detail"),
]

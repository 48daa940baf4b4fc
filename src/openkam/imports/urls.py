from django.urls import path

from openkam.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/<slug:kind>/", views.upload, name="upload"),
    path("<int:batch_id>/", views.detail, name="detail"),
    path("<int:batch_id>/mapping/", views.mapping, name="mapping"),
    path("<int:batch_id>/check/", views.check, name="check"),
    path("<int:batch_id>/start/", views.start, name="start"),
    path("<int:batch_id>/progress/", views.progress, name="progress"),
    path("<int:batch_id>/errors.csv", views.errors_csv, name="errors_csv"),
]

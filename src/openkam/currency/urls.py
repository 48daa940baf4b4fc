from django.urls import path

from openkam.currency import views

app_name = "currency"
urlpatterns = [
    path("rates/", views.rate_list, name="rates"),
    path("rates/new/", views.rate_create, name="rate_create"),
    path("rates/import/", views.rate_import, name="rate_import"),
    path("rates/convert/", views.convert, name="convert"),
    path("rates/<int:rate_id>/edit/", views.rate_edit, name="rate_edit"),
    path("rates/<int:rate_id>/delete/", views.rate_delete, name="rate_delete"),
]

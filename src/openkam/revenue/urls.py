from django.urls import path

from openkam.revenue import views

app_name = "revenue"
urlpatterns = [
    path("customers/", views.customers, name="customers"),
    path("customers/action/", views.customers_action, name="customers_action"),
    path(
        "customers/create-missing/", views.customers_create_missing, name="customers_create_missing"
    ),
]

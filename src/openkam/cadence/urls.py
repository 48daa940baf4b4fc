from django.urls import path

from openkam.cadence import views

app_name = "cadence"
urlpatterns = [
    path("", views.neglected, name="neglected"),
    path("settings/", views.cadence_settings, name="settings"),
    path("account/<int:pk>/", views.account_cadence, name="account"),
    path("account/<int:pk>/panel/", views.account_panel, name="account_panel"),
]

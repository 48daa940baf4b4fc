from django.urls import path

from openkam.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.library_create, name="create"),
    path("lookup/", views.lookup, name="lookup"),
    path("account/<int:pk>/", views.account_knowledge, name="account"),
    path("account/<int:pk>/panel/", views.account_panel, name="account_panel"),
    path("account/<int:pk>/new/", views.account_create, name="account_create"),
    path("<int:entry_id>/", views.entry_detail, name="detail"),
    path("<int:entry_id>/edit/", views.entry_edit, name="edit"),
    path("<int:entry_id>/delete/", views.entry_delete, name="delete"),
]

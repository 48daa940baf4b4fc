from django.urls import path

from openkam.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("lookup/", views.account_lookup, name="lookup"),
    path("tier-requests/", views.tier_requests, name="tier_requests"),
    path(
        "tier-requests/<int:request_id>/decide/",
        views.tier_request_decide,
        name="tier_request_decide",
    ),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/delete/", views.account_delete, name="delete"),
    path("<int:pk>/history/", views.account_history, name="history"),
    path("<int:pk>/team/", views.team_add, name="team_add"),
    path("<int:pk>/team/<int:member_id>/", views.team_update, name="team_update"),
    path("<int:pk>/team/<int:member_id>/remove/", views.team_remove, name="team_remove"),
]

from django.urls import path

from openkam.commitments import views

app_name = "commitments"
urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("figures/", views.commitment_figures, name="figures"),
    path("account/<int:pk>/new/", views.commitment_create, name="create"),
    path("account/<int:pk>/panel/", views.account_panel, name="account_panel"),
    path("<int:commitment_id>/", views.commitment_detail, name="detail"),
    path("<int:commitment_id>/edit/", views.commitment_edit, name="edit"),
    path("<int:commitment_id>/reschedule/", views.commitment_reschedule, name="reschedule"),
    path("<int:commitment_id>/complete/", views.commitment_complete, name="complete"),
    path("<int:commitment_id>/cancel/", views.commitment_cancel, name="cancel"),
    path("<int:commitment_id>/reopen/", views.commitment_reopen, name="reopen"),
]

from django.urls import path

from openkam.stakeholders import views, views_import

app_name = "stakeholders"
urlpatterns = [
    path("", views.stakeholder_list, name="list"),
    path("account/<int:pk>/", views.account_people, name="account"),
    path("account/<int:pk>/panel/", views.account_panel, name="account_panel"),
    path("account/<int:pk>/new/", views.stakeholder_create, name="create"),
    path("account/<int:pk>/import/", views_import.vcard_upload, name="import"),
    path("account/<int:pk>/export.vcf", views.account_vcard, name="account_vcard"),
    path("<int:stakeholder_id>/", views.stakeholder_detail, name="detail"),
    path("<int:stakeholder_id>/edit/", views.stakeholder_edit, name="edit"),
    path("<int:stakeholder_id>/personal/", views.personal_edit, name="personal"),
    path("<int:stakeholder_id>/verify/", views.stakeholder_verify, name="verify"),
    path("<int:stakeholder_id>/left/", views.stakeholder_left, name="left"),
    path("<int:stakeholder_id>/reactivate/", views.stakeholder_reactivate, name="reactivate"),
    path("<int:stakeholder_id>/delete/", views.stakeholder_delete, name="delete"),
    path("<int:stakeholder_id>/vcard.vcf", views.stakeholder_vcard, name="vcard"),
]

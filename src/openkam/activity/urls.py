from django.urls import path

from openkam.activity import views

app_name = "activity"
urlpatterns = [
    path("accounts/<int:pk>/timeline/", views.account_timeline, name="account_timeline"),
    path(
        "accounts/<int:pk>/timeline/panel/",
        views.account_timeline_panel,
        name="account_timeline_panel",
    ),
    path("accounts/<int:pk>/files/", views.account_files, name="account_files"),
    path("accounts/<int:pk>/prepare/", views.meeting_prep, name="meeting_prep"),
    path("accounts/<int:pk>/log/", views.interaction_create, name="interaction_create"),
    path(
        "stakeholders/<int:stakeholder_id>/timeline/",
        views.stakeholder_timeline,
        name="stakeholder_timeline",
    ),
    path(
        "interactions/<int:interaction_id>/",
        views.interaction_detail,
        name="interaction_detail",
    ),
    path(
        "interactions/<int:interaction_id>/edit/", views.interaction_edit, name="interaction_edit"
    ),
    path(
        "interactions/<int:interaction_id>/delete/",
        views.interaction_delete,
        name="interaction_delete",
    ),
    path(
        "interactions/<int:interaction_id>/next-step/",
        views.interaction_next_step,
        name="interaction_next_step",
    ),
    path(
        "interactions/<int:interaction_id>/files/",
        views.attachment_add,
        name="attachment_add",
    ),
    path(
        "files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "files/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]

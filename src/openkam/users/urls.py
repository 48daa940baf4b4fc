from django.contrib.auth import views as auth_views
from django.urls import path

from openkam.users import views

app_name = "users"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<str:prefix>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="list"),
    path("users/new/", views.user_create, name="create"),
    path("users/<int:pk>/", views.user_edit, name="edit"),
]

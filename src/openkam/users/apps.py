from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "openkam.users"
    label = "users"

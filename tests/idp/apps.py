from django.apps import AppConfig


class IdpConfig(AppConfig):
    name = "tests.idp"
    label = "idp"

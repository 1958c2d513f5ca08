from django.apps import AppConfig


class LeagueConfig(AppConfig):
    name = "fenji.modules.league"
    label = "league"
    verbose_name = "共青团（智慧团建）"

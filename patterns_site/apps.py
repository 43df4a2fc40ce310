from django.apps import AppConfig


class PatternsSiteConfig(AppConfig):
    name = "patterns_site"
    verbose_name = "Site"

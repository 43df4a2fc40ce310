from django.apps import AppConfig


class PatternsSiteConfig(AppConfig):
    name = "patterns_site"
    verbose_name = "Site"

    def ready(self):
        # In every process, not only web workers: a management command that imports
        # recipes or reloads data must make cached pages stale too.
        from . import checks  # noqa: F401 - registers the deployment checks
        from .accounts import receivers
        from .follows import receivers as follow_receivers
        from .page_cache import connect_signals

        connect_signals()
        receivers.connect_signals()
        follow_receivers.connect_signals()

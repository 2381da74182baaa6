from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The administrator's and the developer's commands over the whole portal: backup and restore, benchmarks.
    On top of every other app; nothing imports it."""

    name = "operations"
    verbose_name = "Vận hành"

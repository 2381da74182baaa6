from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        from reports.dashboard.queries import pending_for_reader
        from targets.pending import provide

        provide(pending_for_reader)  # the target page shows what awaits approval; targets cannot import reports

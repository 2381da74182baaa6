from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "Kế hoạch và nhiệm vụ"

    def ready(self):
        from agencies.signals import holdings_asked
        from tasks.receivers import assignments_held

        # The rules of a split or a dissolution ask what the agency held (agencies/reorganising.py).
        holdings_asked.connect(assignments_held, dispatch_uid="tasks-assignments-held")

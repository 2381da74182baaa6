from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = "Chỉ tiêu"

    def ready(self):
        from agencies.signals import holdings_asked
        from targets.cache import data_changed
        from targets.models import Assessment, Indicator, ReferenceValue, StatusOverride, Target, TargetValue
        from targets.receivers import targets_held
        from tasks.models import Plan

        # Whatever progress is computed from, and the reviewers' overrides shown beside it: a change to any of
        # them makes cached figures stale.
        # (and the plans and indicators the province's tables read them by).
        for model in (TargetValue, Assessment, ReferenceValue, Target, StatusOverride, Indicator, Plan):
            post_save.connect(data_changed, sender=model, dispatch_uid=f"progress-{model.__name__}-saved")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"progress-{model.__name__}-deleted")
        # The rules of a split or a dissolution ask what the agency owned (agencies/reorganising.py).
        holdings_asked.connect(targets_held, dispatch_uid="targets-targets-held")

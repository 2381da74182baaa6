from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        from agencies.signals import reorganisations_recorded, reorganisations_took_effect
        from reports.access import opens_plan, reviews, sees_plan
        from reports.cycles.receivers import entries_follow
        from reports.dashboard.queries import pending_for_reader
        from reports.handover.receivers import cycles_refreshed, waiting_handed_over
        from targets.pending import provide
        from targets.reviewing import provide as provide_reviewers
        from targets.signals import plan_loaded
        from tasks.visibility import provide as provide_visibility

        provide(pending_for_reader)  # the target page shows what awaits approval; targets cannot import reports
        provide_reviewers(reviews)  # nor the roles per plan: a reviewer overrides and corrects their plans' only
        provide_visibility(opens_plan, sees_plan)  # a plan's pages: only for those who read it, or have a part
        # agencies/ cannot import reports either: what a reorganisation does to the year's reports runs on its signals
        reorganisations_recorded.connect(cycles_refreshed, dispatch_uid="reports-cycles-refreshed")
        reorganisations_took_effect.connect(waiting_handed_over, dispatch_uid="reports-waiting-handed-over")
        plan_loaded.connect(entries_follow, dispatch_uid="reports-entries-follow-the-plan")

from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Cơ quan, đơn vị"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from agencies.sessions import start_activity_clock
        from agencies.throttling import keep_one_sign_in_per_address
        from binhson_plan.collation import register_on_sqlite

        # Names are listed in Vietnamese order on SQLite as on PostgreSQL (binhson_plan/collation.py).
        connection_created.connect(register_on_sqlite, dispatch_uid="vietnamese-collation")
        user_logged_in.connect(start_activity_clock, dispatch_uid="session-activity-clock")
        # after axes' receiver (axes comes before agencies in INSTALLED_APPS), which writes the sign-in's row
        user_logged_in.connect(keep_one_sign_in_per_address, dispatch_uid="one-sign-in-per-address")

"""Every reviewer of the time reviews every plan there is (what they did before roles per plan)."""

from django.db import migrations

REVIEWER = "Văn phòng huyện (thẩm định)"  # agencies.permissions.Role.REVIEWER, as the group is named


def appoint(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Plan = apps.get_model("tasks", "Plan")
    PlanRole = apps.get_model("reports", "PlanRole")
    plans = list(Plan.objects.all())
    PlanRole.objects.bulk_create(
        [
            PlanRole(user=user, role="reviewer", plan=plan)
            for user in User.objects.filter(groups__name=REVIEWER).distinct()
            for plan in plans
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_plan_roles"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(appoint, migrations.RunPython.noop)]

"""Annual-change targets are now judged on their level series (the poverty rate, output, productivity,
the share of labour outside farming), so the yearly changes stored so far are set aside, with a note,
rather than read as levels. Nothing is deleted: the versions stay in the history."""

from django.db import migrations

NOTE = (
    "Để riêng ngày chuyển đổi: giá trị này là mức thay đổi trong năm; từ nay mức thay đổi được tính từ chuỗi "
    "số liệu mức (không nhập riêng)."
)


def set_aside_yearly_changes(apps, schema_editor):
    TargetValue = apps.get_model("targets", "TargetValue")
    TargetEntry = apps.get_model("reports", "TargetEntry")
    values = TargetValue.objects.filter(target__kind="annual_change", is_current=True)
    for value in values:
        value.is_current = False
        value.note = f"{value.note}\n{NOTE}".strip()
        value.save(update_fields=["is_current", "note"])
    typed = TargetEntry.objects.filter(target__kind="annual_change", value__isnull=False).exclude(
        report__state="approved"
    )
    for entry in typed:
        entry.note = f"{entry.note}\n{NOTE} Giá trị đã nhập: {entry.value}.".strip()
        entry.value = None
        entry.save(update_fields=["note", "value"])


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0006_targetvalue_reason"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(set_aside_yearly_changes, migrations.RunPython.noop)]

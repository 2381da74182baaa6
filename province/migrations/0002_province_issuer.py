"""The province's issuer row, with the Sở Dân tộc và Tôn giáo of Quảng Ngãi as its defaults (editable in the admin)."""

from django.db import migrations

DEFAULTS = {
    "issuing_body": "Sở Dân tộc và Tôn giáo",
    "parent_body": "Ủy ban nhân dân tỉnh Quảng Ngãi",
    "place": "Quảng Ngãi",
    "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi",
    "signer_authority": "KT. GIÁM ĐỐC",
    "signer_position": "PHÓ GIÁM ĐỐC",
    "signer_name": "Người ký",
    "recipients": "Ủy ban nhân dân tỉnh\nBộ Dân tộc và Tôn giáo\nGiám đốc, các Phó Giám đốc Sở\nLưu: VT",
    "document_symbol": "BC-SDTTG",
}


def create(apps, schema_editor):
    issuer = apps.get_model("province", "ProvinceIssuer")
    if not issuer.objects.exists():
        issuer.objects.create(**DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("province", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""Django admin: every model's list, search, filters and forms open for the administrator."""

import pytest
from django.contrib import admin


def registered():
    return [(m._meta.app_label, m._meta.model_name) for m in admin.site._registry]


@pytest.mark.parametrize(("app", "model"), registered())
def test_every_model_page_opens(client, cast, app, model):
    client.force_login(cast["quantri"])
    listing = client.get(f"/quan-tri/{app}/{model}/?q=Bình")
    assert listing.status_code == 200
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.model_name == model)
    expected = 200 if model_admin.has_add_permission(type("R", (), {"user": cast["quantri"]})()) else 403
    assert client.get(f"/quan-tri/{app}/{model}/add/").status_code == expected


def test_the_admin_speaks_vietnamese(client, cast):
    client.force_login(cast["quantri"])
    page = client.get("/quan-tri/").content.decode()
    assert "Quản trị cổng theo dõi kế hoạch công tác dân tộc" in page
    for label in ["Cơ quan, đơn vị", "Kế hoạch và nhiệm vụ", "Chỉ tiêu", "Mục của kế hoạch"]:
        assert label in page


def test_a_section_opens_with_its_assignments(client, cast, plan):
    client.force_login(cast["quantri"])
    section = plan.sections.get(code="III.3.đ")
    page = client.get(f"/quan-tri/tasks/section/{section.pk}/change/").content.decode()
    assert "Chương trình MTQG Giảm nghèo bền vững" in page

"""Lists in Vietnamese alphabetical order, alike on PostgreSQL (ICU vi-x-icu) and SQLite (binhson_plan/collation.py)."""

import random
import re

from django.utils import timezone

from agencies.models import Agency
from binhson_plan.collation import sort_key, vietnamese
from reports.cycles.opening import open_cycle

# As PostgreSQL 15 sorts them with COLLATE "vi-x-icu": letters before tones before case; ă â after a, đ after d,
# ư after u; space and punctuation before digits, digits before letters; a shorter word before its longer forms.
ICU_ORDER = [
    "(a)", "a", "A", "a b", "a.b", "ab", "ă", "â", "b",
    "Ba", "Bà", "Bả", "Bã", "Bá", "Bạ", "Ban", "Bàn", "Bản", "Bán", "Bạn", "Ban 2",
    "Ban chỉ huy", "Ban Chỉ huy", "Ban-Chỉ", "Ban10", "Ban2",
    "Co", "Cô", "Công an huyện", "Cơ quan", "Cục", "da", "dz", "đa", "Đa",
    "Hội Liên hiệp Phụ nữ", "Hội Nông dân", "Huyện đoàn",
    "Phòng giao dịch NHCSXH", "Phòng Y tế", "Trung tâm Văn hóa", "Trung tâm Y tế",
    "ua", "uy", "Uy", "Ùy", "Ủy", "Ũy", "Úy", "Ụy", "Uy ban", "Ủy ban nhân dân xã Bình An", "ưa", "Ưa",
    "Văn phòng huyện",
]  # fmt: skip


def test_the_python_key_sorts_as_icu_does():
    shuffled = ICU_ORDER[:]
    random.Random(11).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == ICU_ORDER


def test_the_key_reads_composed_and_decomposed_text_alike():
    assert sort_key("U\u0309y ban")[:3] == sort_key("Ủy ban")[:3]
    assert sorted(["Phòng Y tế", "Pho\u0300ng giao dịch"], key=sort_key) == ["Pho\u0300ng giao dịch", "Phòng Y tế"]


def test_the_database_sorts_as_the_key_does(db):
    """On the suite's database (SQLite here, PostgreSQL in CI) `vietnamese()` orders rows like `sort_key`."""
    Agency.objects.bulk_create(
        Agency(code=f"thu-{i}", name=name, short_name=name[:20], kind="centre") for i, name in enumerate(ICU_ORDER)
    )
    names = list(
        Agency.objects.filter(code__startswith="thu-").order_by(vietnamese("name")).values_list("name", flat=True)
    )
    assert names == ICU_ORDER


def test_the_plans_agencies_sort_alike_in_the_database_and_in_python(plan):
    names = list(Agency.objects.order_by(vietnamese("name"), "pk").values_list("name", flat=True))
    assert names == sorted(names, key=sort_key)
    assert names.index("Phòng giao dịch Ngân hàng Chính sách xã hội huyện") < names.index("Phòng Y tế")
    assert names.index("Ủy ban nhân dân xã Bình An") < names.index("Văn phòng huyện")


def _linked_agency_names(html, table_id):
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    return re.findall(r'<a href="/ke-hoach/[\w-]+/bao-cao/\d+/">([^<]+)</a>', table)


def test_the_dashboard_and_the_review_queue_list_agencies_in_vietnamese_order(client, cast, plan):
    year = timezone.localdate().year
    open_cycle(plan, year)  # every report a draft: one group, ordered by name
    client.force_login(cast["vanphong"])
    dashboard = client.get(f"/bang-dieu-khien/{plan.slug}/{year}/").content.decode()
    queue = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()
    for names in (_linked_agency_names(dashboard, "bang-don-vi"), _linked_agency_names(queue, "tinh-hinh-nop")):
        assert len(names) > 20
        assert names == sorted(names, key=sort_key)
        assert names.index("Phòng giao dịch Ngân hàng Chính sách xã hội huyện") < names.index("Phòng Y tế")
        assert names.index("Ủy ban nhân dân xã Bình An") < names.index("Văn phòng huyện")


def test_the_open_data_api_lists_agencies_in_vietnamese_order(client, plan):
    names = [agency["name"] for agency in client.get(f"/api/plans/{plan.slug}/").json()["agencies"]]
    assert len(names) > 20 and names == sorted(names, key=sort_key)
    assert names.index("Phòng giao dịch Ngân hàng Chính sách xã hội huyện") < names.index("Phòng Y tế")

"""`manage.py load_reorganisation FILE`: the illustrative 2025-shaped file (tests/data/sap_xep_minh_hoa.yaml) is
recorded and applied once; a wrong file is refused whole, every error with its file, entry and field."""

import io
import textwrap

import pytest
from django.core.management import CommandError, call_command

from agencies.models import Agency, Membership, MembershipMove, Reorganisation
from tasks.models import ReportIssuer
from tests.conftest import DATA

ILLUSTRATIVE = DATA / "sap_xep_minh_hoa.yaml"


def load(path) -> str:
    out = io.StringIO()
    call_command("load_reorganisation", str(path), stdout=out)
    return out.getvalue()


def refused(tmp_path, text: str) -> list[str]:
    """The error lines of a file refused whole; nothing of it is in the database."""
    path = tmp_path / "sap_xep.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    agencies = Agency.objects.count()
    with pytest.raises(CommandError) as caught:
        load(path)
    assert Reorganisation.objects.count() == 0 and Agency.objects.count() == agencies
    assert MembershipMove.objects.count() == 0 and Agency.objects.filter(is_active=False).count() == 0
    message = str(caught.value)
    assert "chưa ghi gì vào cơ sở dữ liệu" in message
    return message.splitlines()[1:]


def test_the_file_says_it_is_illustrative():
    head = ILLUSTRATIVE.read_text(encoding="utf-8")[:600]
    assert "TỆP MINH HỌA — KHÔNG PHẢI PHƯƠNG ÁN SẮP XẾP THẬT" in head


def test_it_records_and_applies_the_reorganisations_once(plan, cast):
    output = load(ILLUSTRATIVE)
    assert "Sắp xếp tổ chức: 5 tạo mới." in output
    assert "cơ quan tạo mới: 3" in output
    assert "áp dụng: 5 sắp xếp, 5 đơn vị ngừng hoạt động, 3 tài khoản cán bộ chuyển sang đơn vị kế thừa" in output
    commune = Agency.objects.get(code="UBND-BAK-MH")
    for code in ["UBND-BA", "UBND-BK"]:
        old = Agency.objects.get(code=code)
        assert not old.is_active and old.successor == commune
    assert Agency.objects.get(code="NNPTNT").successor.code == "SNNMT-MH"  # the split's main successor
    assert Agency.objects.get(code="KTHT").is_active  # a transfer leaves its agency in place
    assert Membership.objects.get(user=cast["canbo.binhan"]).agency == commune
    assert Membership.objects.get(user=cast["canbo.binhkhuong"]).agency == commune
    moves = {(m.user.username, m.from_agency.code, m.to_agency.code) for m in MembershipMove.objects.all()}
    assert moves == {("canbo.binhan", "UBND-BA", "UBND-BAK-MH"), ("canbo.binhkhuong", "UBND-BK", "UBND-BAK-MH"),
                     ("canbo.nnptnt", "NNPTNT", "SNNMT-MH")}  # fmt: skip
    assert Membership.objects.get(user=cast["canbo.ldtbxh"]).agency.code == "LDTBXH"  # not reorganised


def test_loading_it_again_changes_nothing(plan, cast):
    load(ILLUSTRATIVE)
    history = Reorganisation.history.count()
    issuer_history = ReportIssuer.history.count()
    moves = MembershipMove.objects.count()
    output = load(ILLUSTRATIVE)
    assert output.splitlines() == ["Sắp xếp tổ chức: 5 không đổi.", "  cơ quan ban hành báo cáo theo năm: 1 không đổi"]
    assert Reorganisation.history.count() == history and MembershipMove.objects.count() == moves == 3
    assert ReportIssuer.history.count() == issuer_history == 1


def test_a_changed_legal_basis_is_updated_but_an_applied_structure_is_not(plan, tmp_path):
    load(ILLUSTRATIVE)
    text = ILLUSTRATIVE.read_text(encoding="utf-8")
    changed = tmp_path / "sap_xep.yaml"
    changed.write_text(text.replace("(số hiệu minh họa)\n    note:", "(số 999, minh họa)\n    note:"), encoding="utf-8")
    assert "1 cập nhật, 4 không đổi" in load(changed)
    assert Reorganisation.objects.get(code="mh-2025-hop-nhat-xa").legal_basis.endswith("(số 999, minh họa)")
    changed.write_text(text.replace("predecessors: [UBND-BA, UBND-BK]", "predecessors: [UBND-BA]"), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        load(changed)
    assert (
        "sap_xep.yaml: reorganisations, mục 1 (mh-2025-hop-nhat-xa): trường “predecessors”: sắp xếp đã áp dụng từ"
        in str(caught.value)
    )


HEADER = """\
    plan: binh-son-ctdt-2021-2030
    reorganisations:
"""


def test_it_refuses_a_bad_date(plan, tmp_path):
    errors = refused(tmp_path, HEADER + """\
      - code: sai-ngay
        kind: rename
        effective_on: 2025-02-30
        legal_basis: Quyết định minh họa
        predecessors: [VHTT]
        successors: [TTVHTT]
      - code: ngay-kieu-viet
        kind: merge
        effective_on: 01/07/2025
        legal_basis: Quyết định minh họa
        predecessors: [UBND-BA, UBND-BK]
        successors: [TTVHTT]
    """)  # fmt: skip
    assert errors == [
        "sap_xep.yaml: reorganisations, mục 1 (sai-ngay): trường “effective_on”: Ngày không hợp lệ: tháng 2/2025 "
        "chỉ có ngày 1 đến 28 (đã nhập 2025-02-30).",
        "sap_xep.yaml: reorganisations, mục 2 (ngay-kieu-viet): trường “effective_on” phải là ngày (YYYY-MM-DD), "
        "nhận được “01/07/2025”.",
    ]


def test_it_refuses_an_unknown_agency_and_lists_every_error(plan, tmp_path):
    errors = refused(tmp_path, HEADER + """\
      - code: khong-co-co-quan
        kind: merge
        effective_on: 2025-07-01
        legal_basis: Quyết định minh họa
        predecessors: [UBND-BA, KHONG-CO]
        successors: [XA-MOI]
      - code: thieu-can-cu
        kind: dissolve
        effective_on: 2025-07-01
        predecessors: [PYT]
    """)  # fmt: skip
    assert errors == [
        "sap_xep.yaml: reorganisations, mục 1 (khong-co-co-quan): trường “predecessors”: không có cơ quan “KHONG-CO” "
        "(trong cơ sở dữ liệu hay khối agencies).",
        "sap_xep.yaml: reorganisations, mục 1 (khong-co-co-quan): trường “successors”: không có cơ quan “XA-MOI” "
        "(trong cơ sở dữ liệu hay khối agencies).",
        "sap_xep.yaml: reorganisations, mục 2 (thieu-can-cu): thiếu trường “legal_basis”.",
        "sap_xep.yaml: reorganisations, mục 2 (thieu-can-cu): trường “kind”: hình thức “dissolve” không hợp lệ "
        "(rename, merge, split, transfer, dissolution).",
    ]


def test_it_refuses_a_split_that_leaves_a_task_with_nobody(plan, tmp_path):
    errors = refused(tmp_path, HEADER + """\
      - code: chia-thieu
        kind: split
        effective_on: 2025-07-01
        legal_basis: Quyết định minh họa
        predecessors: [NNPTNT]
        successors: [TNMT, KTHT]
        moves:
          - {section: III.2.a, to: TNMT}
          - {section: III.2.b, to: KTHT}
          - {section: III.2.d.5, to: [TNMT, KTHT]}
          - {section: III.3.đ, to: KTHT}
          - {target: "2025.07", to: TNMT}
          - {target: "2025.09", to: TNMT}
          - {target: "2025.10", to: TNMT}
          - {target: "2030.04", to: TNMT}
          - {target: "2030.12", to: TNMT}
          - {target: "2030.16", to: TNMT}
          - {section: III.1, to: KTHT}
    """)  # fmt: skip
    entry = "sap_xep.yaml: reorganisations, mục 1 (chia-thieu): trường “moves”:"
    assert errors == [
        f"{entry} nhiệm vụ III.1: “NNPTNT” không chủ trì, phối hợp nhiệm vụ này vào ngày 30/06/2025.",
        f"{entry} chỉ tiêu 2030.17 của “NNPTNT” không có đơn vị tiếp nhận: nêu trong moves hoặc chọn đơn vị tiếp "
        "nhận phần còn lại (main).",
    ]


def test_it_refuses_a_target_given_to_two_agencies_an_empty_transfer_and_moves_in_a_merge(plan, tmp_path):
    errors = refused(tmp_path, HEADER + """\
      - code: chuyen-hai-noi
        kind: transfer
        effective_on: 2025-07-01
        legal_basis: Quyết định minh họa
        predecessors: [KTHT]
        successors: [UBND-BA, UBND-BK]
        moves:
          - {target: "2025.04", to: [UBND-BA, UBND-BK]}
      - code: chuyen-giao-rong
        kind: transfer
        effective_on: 2025-07-01
        legal_basis: Quyết định minh họa
        predecessors: [TP]
        successors: [UBND-BA]
      - code: sap-nhap-co-moves
        kind: merge
        effective_on: 2025-07-01
        legal_basis: Quyết định minh họa
        predecessors: [TNMT]
        successors: [NNPTNT]
        main: NNPTNT
        moves:
          - {section: III.2.d, to: NNPTNT}
    """)  # fmt: skip
    assert errors == [
        "sap_xep.yaml: reorganisations, mục 1 (chuyen-hai-noi): trường “moves”: chỉ tiêu 2025.04 chỉ giao cho một "
        "đơn vị (đang giao cho UBND-BA, UBND-BK).",
        "sap_xep.yaml: reorganisations, mục 2 (chuyen-giao-rong): trường “moves”: chuyển giao cần nêu ít nhất một "
        "nhiệm vụ hoặc chỉ tiêu được chuyển.",
        "sap_xep.yaml: reorganisations, mục 3 (sap-nhap-co-moves): trường “main”: chỉ chia tách mới có đơn vị tiếp "
        "nhận phần còn lại.",
        "sap_xep.yaml: reorganisations, mục 3 (sap-nhap-co-moves): trường “moves”: chỉ chia tách, chuyển giao và "
        "giải thể mới nêu nhiệm vụ, chỉ tiêu chuyển giao.",
    ]


def test_it_refuses_overlapping_reorganisations_in_the_file(plan, tmp_path):
    errors = refused(tmp_path, HEADER + """\
      - code: doi-ten
        kind: rename
        effective_on: 2025-07-01
        legal_basis: Quyết định minh họa
        predecessors: [VHTT]
        successors: [TTVHTT]
      - code: giai-the-cung-ngay
        kind: dissolution
        effective_on: 2025-07-01
        legal_basis: Quyết định minh họa
        predecessors: [VHTT]
    """)  # fmt: skip
    assert errors == [
        "sap_xep.yaml: reorganisations, mục 1 (doi-ten): trường “predecessors”: “VHTT” đã có sắp xếp "
        "“giai-the-cung-ngay” cùng ngày 01/07/2025: hai sắp xếp chồng chéo.",
        "sap_xep.yaml: reorganisations, mục 2 (giai-the-cung-ngay): trường “predecessors”: “VHTT” đã có sắp xếp "
        "“doi-ten” cùng ngày 01/07/2025: hai sắp xếp chồng chéo.",
    ]


def test_it_refuses_a_reorganisation_of_an_agency_that_already_ended(plan, tmp_path):
    load(ILLUSTRATIVE)
    path = tmp_path / "sap_xep.yaml"
    path.write_text(textwrap.dedent(HEADER + """\
      - code: doi-ten-sau
        kind: rename
        effective_on: 2026-01-01
        legal_basis: Quyết định minh họa
        predecessors: [UBND-BA]
        successors: [UBND-BK]
    """), encoding="utf-8")  # fmt: skip
    with pytest.raises(CommandError) as caught:
        load(path)
    assert str(caught.value).splitlines()[1:] == [
        "sap_xep.yaml: reorganisations, mục 1 (doi-ten-sau): trường “predecessors”: “UBND-BA” đã ngừng hoạt động "
        "từ ngày 01/07/2025 (sắp xếp “mh-2025-hop-nhat-xa”): hai sắp xếp chồng chéo.",
        "sap_xep.yaml: reorganisations, mục 1 (doi-ten-sau): trường “successors”: “UBND-BK” đã ngừng hoạt động "
        "từ ngày 01/07/2025 (sắp xếp “mh-2025-hop-nhat-xa”): hai sắp xếp chồng chéo.",
    ]
    assert not Reorganisation.objects.filter(code="doi-ten-sau").exists()


def test_it_refuses_renaming_an_agency_in_place(plan, tmp_path):
    errors = refused(tmp_path, """\
    agencies:
      - {code: VHTT, name: Phòng Văn hóa mới, short_name: Phòng VH&TT, symbol: VHTT, kind: specialised_office}
    reorganisations: []
    """)  # fmt: skip
    assert errors == [
        "sap_xep.yaml: agencies, mục 1 (VHTT): trường “name”: cơ quan “VHTT” đã có với name “Phòng Văn hóa và Thông "
        "tin”; đổi tên là một sắp xếp (rename) sang mã mới."
    ]


def test_it_gives_a_known_agency_its_governing_body_and_keeps_the_one_before(plan, tmp_path):
    """The one field of a known agency a file may change: the line printed above its name (browser pass 36: a centre
    moved under the Sở Y tế was headed under the department receiving the year's report)."""
    path = tmp_path / "sap_xep.yaml"
    path.write_text(textwrap.dedent("""\
    agencies:
      - {code: TTYT, name: Trung tâm Y tế huyện, short_name: Trung tâm Y tế, symbol: TTYT, kind: centre,
         governing_body: Sở Y tế tỉnh Quảng Ngãi}
    reorganisations: []
    """), encoding="utf-8")  # fmt: skip
    assert "cơ quan ghi lại cơ quan chủ quản: 1" in load(path)
    centre = Agency.objects.get(code="TTYT")
    assert centre.governing_body == "Sở Y tế tỉnh Quảng Ngãi"
    assert [h.governing_body for h in centre.history.order_by("history_date")][-2:] == ["", "Sở Y tế tỉnh Quảng Ngãi"]
    assert "cơ quan ghi lại" not in load(path)  # the same file again changes nothing


def test_the_nightly_command_applies_what_has_come_into_force_once(plan, cast):
    load(ILLUSTRATIVE)  # in force already: applied as it was loaded
    out = io.StringIO()
    call_command("apply_reorganisations", stdout=out)
    assert out.getvalue().strip() == (
        "Đã áp dụng 0 sắp xếp: 0 đơn vị ngừng hoạt động, 0 tài khoản cán bộ chuyển sang đơn vị kế thừa."
    )
    Reorganisation.objects.filter(code="mh-2025-hop-nhat-xa").update(applied_at=None)  # as if recorded ahead
    Agency.objects.filter(code__in=["UBND-BA", "UBND-BK"]).update(is_active=True)
    Membership.objects.filter(user=cast["canbo.binhan"]).update(agency=Agency.objects.get(code="UBND-BA"))
    from reports.handover.jobs import apply_reorganisations_job

    assert apply_reorganisations_job() == 1
    assert Membership.objects.get(user=cast["canbo.binhan"]).agency.code == "UBND-BAK-MH"
    assert not Agency.objects.get(code="UBND-BA").is_active
    assert MembershipMove.objects.filter(user=cast["canbo.binhan"]).count() == 1  # one record per reorganisation


def test_it_lists_a_missing_receiver_with_the_other_errors_in_one_reading(plan, tmp_path):
    errors = refused(tmp_path, HEADER + """\
      - code: co-quan-la
        kind: merge
        effective_on: 2025-07-01
        legal_basis: Quyết định minh họa
        predecessors: [UBND-BA]
        successors: [KHONG-CO]
      - code: chia-thieu
        kind: split
        effective_on: 2025-07-01
        legal_basis: Quyết định minh họa
        predecessors: [NNPTNT]
        successors: [TNMT, KTHT]
        moves:
          - {section: III.2.a, to: TNMT}
          - {section: III.2.b, to: KTHT}
          - {section: III.2.d.5, to: [TNMT, KTHT]}
          - {section: III.3.đ, to: KTHT}
          - {target: "2025.07", to: TNMT}
          - {target: "2025.09", to: TNMT}
          - {target: "2025.10", to: TNMT}
          - {target: "2030.04", to: TNMT}
          - {target: "2030.12", to: TNMT}
          - {target: "2030.16", to: TNMT}
    """)  # fmt: skip
    assert errors == [
        "sap_xep.yaml: reorganisations, mục 1 (co-quan-la): trường “successors”: không có cơ quan “KHONG-CO” "
        "(trong cơ sở dữ liệu hay khối agencies).",
        "sap_xep.yaml: reorganisations, mục 2 (chia-thieu): trường “moves”: chỉ tiêu 2030.17 của “NNPTNT” không có "
        "đơn vị tiếp nhận: nêu trong moves hoặc chọn đơn vị tiếp nhận phần còn lại (main).",
    ]


def test_a_dissolution_is_not_offered_a_main_successor_it_would_refuse(plan, tmp_path):
    errors = refused(tmp_path, HEADER + """\
      - code: giai-the-thieu
        kind: dissolution
        effective_on: 2025-07-01
        legal_basis: Quyết định minh họa
        predecessors: [KTHT]
        successors: [TNMT]
        moves:
          - {section: III.2.d.1, to: TNMT}
    """)  # fmt: skip
    assert errors and all("(main)" not in error for error in errors)
    assert any(
        "không có đơn vị tiếp nhận: nêu trong moves đơn vị tiếp nhận (giải thể không có đơn vị tiếp nhận phần còn lại)."
        in error
        for error in errors
    ), errors

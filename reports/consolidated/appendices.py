"""The consolidated report's appendices: the targets' series (Phụ lục 1), the budgets (Phụ lục 2), the submissions
(Phụ lục 3)."""

from binhson_plan.number_format import vn_number
from reports.consolidated.blocks import Appendix, Para, Table
from reports.consolidated.wording import Budget, points_held, unapproved


def series_appendix(data) -> Appendix:
    years = list(range(min([data.plan.period_start - 1, *[y for s in data.series.values() for y in s]]), data.year + 1))
    rows = []
    for t in data.targets.to_dict("records"):
        values, estimated = data.series.get(t["target_id"], {}), data.estimates.get(t["target_id"], set())
        cells = [vn_number(values[y]) + (" (ước)" if y in estimated else "") if y in values else "–" for y in years]
        goal = points_held(f"{t['goal']} ({t['horizon']})")
        rows.append([t["code"], t["name"], t["unit"] or "–", goal, *cells, t["status"], t["agency"]])
    table = Table(
        [
            "Mã",
            "Chỉ tiêu",
            "Đơn vị",
            "Mục tiêu (mốc)",
            *[str(y) for y in years],
            "Tình trạng",
            "Cơ quan chịu trách nhiệm",
        ],
        rows,
        widths=[6, 24, 7, 10, *[5] * len(years), 9, 13],
        numeric=tuple(range(4, 4 + len(years))),
    )
    note = Para(
        "“–”: chưa có số liệu được duyệt (số liệu của báo cáo đang thẩm định, nếu có, nêu tại mục III với ghi chú "
        "“báo cáo chưa duyệt”); “(ước)”: số ước thực hiện. Tình trạng đánh giá so với mốc của từng chỉ tiêu; mốc "
        "đã qua được đánh giá một lần theo số liệu năm mốc (hoặc năm gần nhất trước mốc), nên có thể khác số liệu "
        "các năm sau.",
        style="note",
    )
    return Appendix(1, f"SỐ LIỆU CÁC CHỈ TIÊU QUA CÁC NĂM (ĐẾN NĂM {data.year})", [note, table], landscape=True)


def budget_appendix(data) -> Appendix:
    reported = [r for r in data.tasks[data.tasks["role"] == "lead"].to_dict("records") if r["budget"] is not None]
    rows = [[str(n), r["code"], r["agency"] + unapproved(r), vn_number(r["budget"])]
            for n, r in enumerate(reported, start=1)]  # fmt: skip
    if not rows:
        return Appendix(
            2, f"KINH PHÍ THỰC HIỆN CÁC NHIỆM VỤ NĂM {data.year}", [Para("Chưa có cơ quan nào báo cáo kinh phí.")]
        )
    budget = Budget.of(reported)
    totals = [["", "", "Tổng cộng (báo cáo đã duyệt)" if budget.waiting else "Tổng cộng", vn_number(budget.approved)]]
    if budget.waiting:  # stated apart, never added into the total
        totals.append(["", "", "Báo cáo chưa duyệt (chưa tính vào tổng cộng)", vn_number(budget.waiting)])
    table = Table(["TT", "Mục", "Cơ quan chủ trì", "Kinh phí đã sử dụng (đồng)"], rows, widths=[6, 14, 52, 28],
                  numeric=(0, 3), totals=totals)  # fmt: skip
    return Appendix(2, f"KINH PHÍ THỰC HIỆN CÁC NHIỆM VỤ NĂM {data.year}", [table])


def submissions_appendix(data) -> Appendix:
    if data.cycle is None:
        gap = Para(f"Năm {data.year} chưa mở kỳ báo cáo.", style="missing")
        return Appendix(3, "TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ", [gap])
    rows = [
        [str(n), r["agency"], r["state_label"], r["submitted_at"] or "Chưa gửi", r["deadline_note"]]
        for n, r in enumerate(data.reports.to_dict("records"), start=1)
    ]
    table = Table(["TT", "Cơ quan, đơn vị", "Trạng thái", "Gửi lần đầu lúc", "Ghi chú"], rows,
                  widths=[6, 38, 20, 17, 19], numeric=(0,))  # fmt: skip
    return Appendix(3, "TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ", [table])

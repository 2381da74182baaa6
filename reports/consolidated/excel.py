"""The consolidated report's figures as an Excel workbook."""

from reports.excel import workbook


def consolidated_workbook(data) -> bytes:
    """The consolidated report's figures: targets (as on the dashboard), tasks, proposals, who reported."""
    targets = data.targets.rename(
        columns={
            "code": "Mã",
            "name": "Chỉ tiêu",
            "horizon": "Mốc",
            "goal": "Mục tiêu",
            "unit": "Đơn vị",
            "value": f"Giá trị năm {data.year}",
            "status": "Tình trạng",
            "explanation": "Giải thích",
            "agency": "Đơn vị chịu trách nhiệm",
        }
    ).drop(columns=["target_id", "status_code"])
    tasks = (
        data.tasks.assign(role=data.tasks["role"].map({"lead": "Chủ trì", "coordinating": "Phối hợp"}))
        .rename(
            columns={
                "code": "Mã nhiệm vụ",
                "role": "Vai trò",
                "agency": "Cơ quan, đơn vị",
                "status": "Tình hình",
                "results": "Kết quả",
                "shortcomings": "Tồn tại, hạn chế",
                "next_steps": "Năm tới",
                "budget": "Kinh phí (đồng)",
                "approved": "Đã duyệt",
            }
        )
        .drop(columns=["section_id", "position"])
    )
    reports = data.reports[["agency", "state_label", "submitted_at", "late"]].rename(
        columns={
            "agency": "Cơ quan, đơn vị",
            "state_label": "Trạng thái",
            "submitted_at": "Gửi lúc",
            "late": "Gửi muộn",
        }
    )
    proposals = data.proposals.rename(
        columns={
            "agency": "Cơ quan, đơn vị",
            "text": "Kiến nghị, đề xuất",
            "state": "Tình trạng",
            "response": "Trả lời",
            "approved": "Đã duyệt",
        }
    )
    return workbook({"Chỉ tiêu": targets, "Nhiệm vụ": tasks, "Kiến nghị": proposals, "Tình hình báo cáo": reports})

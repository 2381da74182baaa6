"""What a target's progress is judged by and said with: the goal (`Goal`), the outcome (`Progress`), the statuses
and their Vietnamese labels, the pace thresholds. targets.progress judges; targets.sentences words it."""

from dataclasses import dataclass, field

ON_TRACK, ACCELERATE, LIMITED = 0.95, 0.60, 0.0

# The value a target's status was judged on: a passed milestone's year, not the latest, so never headed "mới nhất"
# (browser pass 27: "2025: 30,2" under "Số liệu mới nhất đến năm 2026" beside 2026 = 33,5): the consolidated
# report's and the dashboard's heading.
JUDGED = "Số liệu dùng để đánh giá"
JUDGED_YEAR = "Năm của số liệu dùng để đánh giá"
# One word for a reached milestone, "Đạt": a milestone judged at its year ("met", final) and an open one
# already reached ahead of its year ("achieved") read the same; the sentence says which. Lists that filter or
# count by status (the dashboard) show them as one, under "met" (REACHED).
STATUS_LABELS = {
    "achieved": "Đạt",
    "met": "Đạt",
    "not_met": "Không đạt",
    "on_track": "Đúng tiến độ",
    "acceleration_needed": "Cần đẩy nhanh",
    "limited": "Chậm",
    "deterioration": "Đi xuống",
    "insufficient_data": "Chưa đủ dữ liệu",
    "qualitative": "Định tính",
}


REACHED = {"met", "achieved"}


# The statuses as one list with no label twice: "achieved" is counted and filtered under "met".
STATUS_CHOICES = {code: label for code, label in STATUS_LABELS.items() if code != "achieved"}


# What a reviewer may set as a target's status (targets.overrides): a judgement, never "not enough data" or
# "qualitative", which say only that there is nothing to judge on.
JUDGEMENTS = {code: label for code, label in STATUS_CHOICES.items() if code not in {"insufficient_data", "qualitative"}}


def status_group(status: str) -> str:
    """The status a list counts and filters `status` under: "met" for any reached milestone."""
    return "met" if status in REACHED else status


METHOD_LABELS = {
    "cagr": "tốc độ tăng trưởng bình quân năm",
    "linear": "tốc độ thay đổi tuyến tính",
    "annual_change": "mức thay đổi bình quân hằng năm của chuỗi số liệu",
    "qualitative": "đánh giá của đơn vị",
    "milestone": "so sánh trực tiếp với mục tiêu của mốc",
    "none": "",
}


QUALITATIVE_LABELS = {"achieved": "Đã đạt", "progressing": "Đang thực hiện", "not_achieved": "Chưa đạt"}


@dataclass(frozen=True)
class Goal:
    """What a target asks, in plain values (see targets.models.Target). `unit` is the unit of the
    values (the level series for an annual change); `change_unit` the unit of an annual change."""

    kind: str
    horizon: int
    comparison: str = ""
    value: float | None = None
    value_max: float | None = None
    direction: str = "higher"
    unit: str = ""
    natural_limit: float | None = None
    baseline_year: int | None = None
    period_start: int | None = None
    change_unit: str = ""
    target_unit: str = ""  # the unit the goal is written in, when it is not the values' ("lần")
    reference_label: str = ""  # what a relative target compares with


@dataclass
class Progress:
    status: str
    method: str
    milestone: int
    explanation: str
    ratio: float | None = None
    observed_pace: float | None = None
    required_pace: float | None = None
    projected: float | None = None
    target_value: float | None = None
    details: dict = field(default_factory=dict)
    value_year: int | None = None  # the observation the status speaks about
    value: float | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    final: bool = False  # the milestone was judged once, at its year
    method_note: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

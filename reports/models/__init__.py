"""The reports app's models, one module per concern; Django finds them all through this package, the consolidated
report's (reports/consolidated/models.py) included."""

from reports.consolidated.models import BuildState, ConsolidatedReport
from reports.models.cycles import ReportingCycle, working_days_after
from reports.models.entries import (
    Evidence,
    EvidenceQuerySet,
    Proposal,
    ProposalState,
    ReportContentQuerySet,
    TargetEntry,
    TaskEntry,
    TaskStatus,
    evidence_path,
    short_file_name,
)
from reports.models.events import ReportAction, ReportEvent, snapshot
from reports.models.outbox import NoticeState, Notification
from reports.models.report import (
    REOPENED_LABEL,
    SHARED_STATES,
    AgencyReport,
    AgencyReportQuerySet,
    ReportChanged,
    ReportState,
)
from reports.models.roles import PlanRole, PlanRoleKind

__all__ = [
    "AgencyReport",
    "AgencyReportQuerySet",
    "BuildState",
    "ConsolidatedReport",
    "Evidence",
    "EvidenceQuerySet",
    "Notification",
    "PlanRole",
    "PlanRoleKind",
    "NoticeState",
    "Proposal",
    "ProposalState",
    "REOPENED_LABEL",
    "ReportAction",
    "ReportChanged",
    "ReportContentQuerySet",
    "ReportEvent",
    "ReportState",
    "ReportingCycle",
    "SHARED_STATES",
    "TargetEntry",
    "TaskEntry",
    "TaskStatus",
    "evidence_path",
    "short_file_name",
    "snapshot",
    "working_days_after",
]

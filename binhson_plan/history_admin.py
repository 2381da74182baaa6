"""simple-history's admin as every app uses it."""

from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin's "Lịch sử" of a model: each change with who, when, before and after. Where a change was made
    without a reason, its "Lý do thay đổi" stays empty: simple-history's list would print the word None."""

    def set_history_delta_changes(self, request, historical_records, *args, **kwargs):
        super().set_history_delta_changes(request, historical_records, *args, **kwargs)
        for record in historical_records:
            if record.history_change_reason is None:
                record.history_change_reason = ""

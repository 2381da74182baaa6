"""simple-history's admin as every app uses it."""

import datetime
from decimal import Decimal

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from binhson_plan.number_format import fmt

EMPTY = "(trống)"


class ReadableChanges(HistoricalRecordContextHelper):
    """Each change's before and after as the rest of the portal writes them: a choice by its label ("Đã gửi", not
    "submitted"), a time in the portal's zone as hh:mm dd/mm/yyyy, a date as dd/mm/yyyy, a number with a decimal
    comma, yes or no in words, "(trống)" for nothing, a row since deleted by its kind and number."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or isinstance(value, DeletedObject) and value.pk is None:
            return EMPTY
        if isinstance(value, DeletedObject):
            return f"{value.model._meta.verbose_name} đã xoá (mã {value.pk})"
        if getattr(field, "flatchoices", None):
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "Có" if value else "Không"
        if isinstance(value, datetime.datetime):
            return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%H:%M %d/%m/%Y}"
        if isinstance(value, datetime.date):
            return f"{value:%d/%m/%Y}"
        if isinstance(value, Decimal | float):
            return fmt(value, 4)
        return value


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin's "Lịch sử" of a model: each change with who, when, before and after, written as the portal writes
    them (ReadableChanges). Where a change was made without a reason, its "Lý do thay đổi" stays empty:
    simple-history's list would print the word None."""

    def history_view(self, request, object_id, extra_context=None):
        try:  # an address no link leads to (…/1/change/history/) is not found, not a server error
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        # each text whole: simple-history cuts one past 100 characters to "…[39 chars]…" (browser pass 28)
        return ReadableChanges(self.model, historical_record, max_displayed_delta_change_chars=100_000)

    def set_history_delta_changes(self, request, historical_records, *args, **kwargs):
        super().set_history_delta_changes(request, historical_records, *args, **kwargs)
        for record in historical_records:
            if record.history_change_reason is None:
                record.history_change_reason = ""

"""One line in the log for a refused request: django.request logs a PermissionDenied (a 403) with its
traceback, 13 lines each, so a scan of report ids filled the log. Server errors keep theirs."""

import logging


class OneLineClientErrors(logging.Filter):
    """On the django.request logger (settings.LOGGING): a 4xx record loses its traceback and says the method,
    the path, the user's id ("-" when anonymous) and the status on one line; a 5xx is left as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        status, request = getattr(record, "status_code", None), getattr(record, "request", None)
        if status is None or not 400 <= status < 500 or request is None:
            return True
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        reason = record.getMessage().splitlines()[0]
        record.msg, record.args = (
            "%s [%s %s, user %s, status %s]",
            (reason, request.method, request.path, user_id, status),
        )
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True

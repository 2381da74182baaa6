"""Messages: e-mail through the outbox (notifications.py), reminders before the due date (reminders.py), their jobs."""

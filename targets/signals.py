"""What targets/ tells the apps above it (reports/), which it never imports: connected in their AppConfig.ready().

- `plan_loaded` (plan): a plan file was loaded (load_plan), in the transaction that wrote it: its tasks, their
  agencies and its targets may have changed, so reports/ gives the year's open reports the entries they now need.
"""

from django.dispatch import Signal

plan_loaded = Signal()

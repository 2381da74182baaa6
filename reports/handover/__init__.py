"""The hand-over of a reorganised agency's report to the agencies that take its part (handing.py), run by the
signals agencies/ sends (receivers.py) and by the nightly job (jobs.py)."""

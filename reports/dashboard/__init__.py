"""The district dashboard: its queries (queries.py), page and exports (views.py, exports.py), and the public page
with its workbook (public.py, public_workbook.py)."""

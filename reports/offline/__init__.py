"""Offline entry (PRODUCT.md §10): an agency's report as an Excel workbook, filled offline and uploaded back
through the same forms as the web page. layout.py says what the workbook holds, writer.py makes it,
reader.py reads an upload safely, upload.py checks and saves it, views.py serves the three URLs."""

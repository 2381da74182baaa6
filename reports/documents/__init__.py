"""The agency report's print (views.py) and the PDF renderer both reports share (pdf.py)."""

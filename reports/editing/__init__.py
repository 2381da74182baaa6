"""The agency report page: its forms (fields.py, forms.py), the one way a report is saved (saving.py), what a report
asks and still lacks (asking.py, completeness.py), evidence files (evidence.py, office_macros.py), the history."""

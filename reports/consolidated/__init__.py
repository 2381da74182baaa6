"""The district's consolidated report: model, gathering, PDF, Word and Excel files, jobs and pages."""

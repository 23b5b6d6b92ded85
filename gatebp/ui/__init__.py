"""Presentation: Rich terminal views and the export formats."""

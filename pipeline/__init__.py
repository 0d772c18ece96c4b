"""Kennisbank Marketing: from the libraries' shared workbook to a Datasette catalogue."""

"""The embedded sample workbook and synthetic workbooks of any size (fictional data)."""

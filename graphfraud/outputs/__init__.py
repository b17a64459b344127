"""Reading and showing a detect run: terminal views, the Excel workbook, ring lineage across runs."""

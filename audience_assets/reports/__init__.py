"""Reports: the daily summary as an Excel workbook with native charts (workbook.py) and as
one self-contained HTML page (html.py), both from daily.py's DailyReport."""

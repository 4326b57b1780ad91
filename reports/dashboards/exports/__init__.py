"""Exports of a campaign's reports: XLSX workbook, CSV, Word summary (汇总报告), ZIP bundle.

``rows`` builds the report rows (one per report, in org-tree order) shared by the XLSX, the
CSV and the API; ``names`` the file names; ``jobs`` holds the job lifecycle (create → run →
download → expiry), and ``reports.dashboards.tasks`` hands jobs to Celery. See
docs/exports.md.
"""

"""Exports of a campaign's reports: XLSX workbook, CSV, Word summary (汇总报告), ZIP bundle.

``rows`` builds the report rows (one per report, in org-tree order) shared by the XLSX, the
CSV and the API; ``service`` holds the job lifecycle (request → background run → download →
expiry). See docs/exports.md.
"""

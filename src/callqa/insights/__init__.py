"""Insights: quality statistics, QA vs CSAT, root causes, contact reasons, handle-time baselines."""

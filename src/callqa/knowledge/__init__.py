"""The knowledge base: articles, including great answers promoted from real interactions (seed 004)."""

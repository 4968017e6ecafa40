"""Saved searches: a user's named search (query, filters, sort), private or shared with one of their teams."""

"""Ranking policies: candidate fusion, filters, re-ranking and explanations (pure functions)."""

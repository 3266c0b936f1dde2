"""Security regressions: one test per attack that once worked."""

"""Unit tests: one stage or helper at a time, in process."""

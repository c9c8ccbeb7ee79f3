"""Validation: every check of DESIGN.md's findings table, as data."""

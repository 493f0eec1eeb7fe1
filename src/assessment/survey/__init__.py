"""Employer and union surveys: ingestion, validation, disclosure control, weighting, joins."""

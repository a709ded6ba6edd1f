"""Learner profiles."""

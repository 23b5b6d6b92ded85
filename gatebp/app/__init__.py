"""Stateful front ends: drill and mock sessions, history, stats and the scheduler."""

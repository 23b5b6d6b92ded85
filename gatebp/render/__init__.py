"""Rich views; the only layer that imports Rich, so the library stays testable as plain data."""

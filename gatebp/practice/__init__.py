"""Practice sessions: drills, timed mocks and the spaced-repetition scheduler."""

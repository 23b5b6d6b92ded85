"""Question sources: the generated families, seeded sets, the paper mix and the bank."""

"""The exam's rules: the Question record, marking, grading, the exam state machine."""

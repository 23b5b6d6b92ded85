"""Pure helpers with no I/O and no UI: errors, numbers, the expression parser, activations."""

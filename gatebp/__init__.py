"""gatebp: drill GATE DA backpropagation questions with exact, explained working.

Kept import-free so `gatebp --help` starts fast; SymPy loads only when a command needs it.
"""

__version__ = "0.1.0"

"""`python -m gatebp` runs the command-line tool."""

from gatebp.cli import main

main()

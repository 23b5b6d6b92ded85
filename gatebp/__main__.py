"""`python -m gatebp` runs the command-line tool."""

from gatebp.cli.main import main

main()

"""One module per `gatebp` subcommand; each parses options, calls the library, renders."""

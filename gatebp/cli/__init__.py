"""The click command line: binding options and calling the library."""

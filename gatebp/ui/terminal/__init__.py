"""Rich views for the terminal; they read records and never solve."""

"""The `semrec` command line."""

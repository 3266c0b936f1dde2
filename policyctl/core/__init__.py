"""Core: the data model, errors, configuration and small helpers every layer uses."""

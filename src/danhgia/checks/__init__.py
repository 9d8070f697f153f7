"""Validation checks, one module per family; each check yields Finding objects."""

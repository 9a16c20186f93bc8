"""Errors that stop a command before it can check anything (exit code 2)."""


class UsageError(Exception):
    """A path that does not exist, a folder without YAML files, a bad option value."""

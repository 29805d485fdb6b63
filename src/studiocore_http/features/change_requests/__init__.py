"""Change requests: how a proposed or confirmed schedule changes."""

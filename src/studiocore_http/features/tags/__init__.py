"""Tags and tagging."""

"""Studios and their rooms."""

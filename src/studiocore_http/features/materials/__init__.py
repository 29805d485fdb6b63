"""Materials of clients and platforms."""

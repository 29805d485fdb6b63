"""MCs, the hosts of shows."""

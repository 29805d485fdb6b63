"""The admin-managed lookup tables."""

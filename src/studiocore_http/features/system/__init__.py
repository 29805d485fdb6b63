"""Service endpoints outside /api/v1: health."""

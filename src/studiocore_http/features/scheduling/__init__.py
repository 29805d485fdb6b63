"""Scheduling reads: availability and the conflict audit."""

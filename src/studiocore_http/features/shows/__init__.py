"""Shows: booking, rescheduling, status changes, MCs, platforms, materials."""

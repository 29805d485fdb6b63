"""The audit trail over HTTP: ``/audits`` (filtered, paged) and every
resource's ``/{uid}/history``."""

"""What every feature of the HTTP adapter shares: base structs, conversions,
parameter types and the CRUD controller factory."""

"""What every feature of the HTTP adapter shares: base structs, conversions,
parameter types, route options and the CRUD controller factory."""

"""spec -> graph -> solve: networks, the solver, its working and the named slips."""

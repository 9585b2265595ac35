"""Model → bytes: one module per output format."""

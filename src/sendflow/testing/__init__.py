"""The public testing kit (being written)."""

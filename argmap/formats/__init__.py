"""Readers and writers of the map formats people already use: one module a format."""

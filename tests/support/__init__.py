"""Helpers shared by the tests: fixture data and a local HTTP server."""

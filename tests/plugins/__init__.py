"""Plugins that exist only for the tests: a fourth kind of institution, the same code
as the README's worked example."""

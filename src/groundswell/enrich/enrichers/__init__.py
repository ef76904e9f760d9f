"""The built-in enrichers, registered under the `groundswell.enrichers` entry point."""

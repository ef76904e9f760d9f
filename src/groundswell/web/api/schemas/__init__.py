"""Request and response bodies of the JSON API that are not already a feature package's schema."""

"""Topics stored in the database: edited by people, retrained into versions, the active one used by enrichment."""

"""Teams and employees: who can answer, where, when and how much."""

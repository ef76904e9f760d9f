"""The shared inbox: cases built from conversations, their timeline, SLA clocks, lost-and-found and templates."""

"""Ripple: carrying customer feedback to departments, ideas, new themes and unexpected uses."""

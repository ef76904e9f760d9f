"""Crisis detection (spikes and shifts per scope), alert storage, and notification."""

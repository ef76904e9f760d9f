"""RSS 1.0, RSS 2.0 and Atom feeds, blog comment feeds included, and live polling with conditional GET."""

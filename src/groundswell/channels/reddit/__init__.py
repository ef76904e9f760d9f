"""Reddit: submissions and comments from listing JSON, and live polling through PRAW."""

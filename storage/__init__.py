"""The schema, its migrations and every query. Nothing outside this package writes SQL."""

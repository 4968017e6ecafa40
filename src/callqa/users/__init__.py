"""People who use callqa: users, their roles and teams, passwords and API tokens."""

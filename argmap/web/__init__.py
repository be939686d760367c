"""What every request goes through: access checks, CSRF, ids in URLs, error answers."""

"""Storage: an embedded SQLite database, transactional and resettable per environment."""

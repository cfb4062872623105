"""People: residents (居民) and their identity handling."""

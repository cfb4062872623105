"""Record schemas (记录规范): registries and records of care, as Arrow schemas."""

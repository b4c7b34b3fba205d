"""The kernel's tables, one frozen module per version, called from each service's migrations."""

"""xCAT client commands and their parsers (runbook 5.1.9, sections 2, 3 and 8)."""

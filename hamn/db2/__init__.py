"""DB2 HADR (runbook section 5.1): parsers of DB2 output and CLP messages."""

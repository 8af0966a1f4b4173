"""AIX command parsers (lssrc, lsattr, oslevel, lslpp, ifconfig): sections 2, 4 and 8."""

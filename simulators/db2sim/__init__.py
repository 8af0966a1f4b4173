"""DB2 simulator for the simulated xCAT management nodes (runbook section 5.1 and 8).

An instance engine (engine.py, server.py) started by db2start holds databases (database.py)
with an SQLite table store (storage.py) and a real write-ahead transaction log (log.py);
HADR (hadr.py) ships that log between a primary and a standby over TCP. The commands in bin/
(commands.py: db2, db2pd, db2start, db2stop, db2gcf, db2level) print DB2's messages
(messages.py) and layouts (formats.py, cfg.py); client.py is xcatd's database API.
"""

"""The transaction log: LSN-addressed records in log files S0000000.LOG, S0000001.LOG ...

DB2 writes every change to its log before the change is committed (write-ahead logging) and
addresses log data by LSN, a byte position in the log stream; a log file holds LOGFILSIZ
4 KB pages. Here a record is ``lsn (8) | length (4) | crc32 (4) | payload`` and its LSN is its
byte position in the stream, so file = lsn // (LOGFILSIZ*4096) and page = offset // 4096,
which is what db2pd -hadr and GET SNAPSHOT report as the log positions (runbook 5.1.8). HADR
ships these records to the standby, which writes them at the same LSNs in its own files.
Crash recovery and ROLLFORWARD replay the records past the last applied LSN.
"""

from __future__ import annotations

import collections
import os
import struct
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HEADER = struct.Struct(">QII")
PAGE = 4096
_CACHE = 20000


@dataclass(frozen=True)
class LogRecord:
    """One log record: its LSN and its payload (a committed transaction's redo)."""

    lsn: int
    payload: bytes

    @property
    def crc(self) -> int:
        return zlib.crc32(self.payload) ^ (self.lsn & 0xFFFFFFFF)

    @property
    def size(self) -> int:
        return HEADER.size + len(self.payload)

    @property
    def end(self) -> int:
        return self.lsn + self.size

    def encode(self) -> bytes:
        return HEADER.pack(self.lsn, len(self.payload), self.crc) + self.payload


def file_name(index: int) -> str:
    return f"S{index:07d}.LOG"


class TransactionLog:
    """The log files of one database, with an in-memory tail for HADR log shipping."""

    def __init__(self, logdir: Path, filesize_pages: int, start_lsn: int) -> None:
        self.logdir = logdir
        self.file_bytes = max(4, filesize_pages) * PAGE
        self._lock = threading.Lock()
        self._recent: collections.deque[LogRecord] = collections.deque(maxlen=_CACHE)
        logdir.mkdir(parents=True, exist_ok=True)
        self.end_lsn = start_lsn
        self.last: LogRecord | None = None
        self.first_lsn = start_lsn
        self._scan()

    # -- positions ------------------------------------------------------------------------
    def position(self, lsn: int) -> tuple[str, int, int]:
        """(file name, page within file, LSN) of a log position."""
        index = lsn // self.file_bytes
        return file_name(index), (lsn - index * self.file_bytes) // PAGE, lsn

    def first_active_file(self) -> str:
        return file_name(self.first_lsn // self.file_bytes)

    # -- reading --------------------------------------------------------------------------
    def _files(self) -> list[Path]:
        return sorted(p for p in self.logdir.glob("S*.LOG") if p.name[1:8].isdigit())

    def _read_file(self, path: Path) -> Iterator[tuple[LogRecord, int]]:
        """Records of one file and the byte offset after each; stops at a torn record."""
        try:
            data = path.read_bytes()
        except OSError:
            return
        pos = 0
        while pos + HEADER.size <= len(data):
            lsn, length, crc = HEADER.unpack_from(data, pos)
            start = pos + HEADER.size
            if start + length > len(data):
                return
            rec = LogRecord(lsn, data[start:start + length])
            if rec.crc != crc:
                return
            pos = start + length
            yield rec, pos

    def _scan(self) -> None:
        files = self._files()
        first = True
        for path in files:
            valid = 0
            for rec, pos in self._read_file(path):
                if first:
                    self.first_lsn = min(self.first_lsn, rec.lsn)
                    first = False
                if rec.lsn >= self.end_lsn or self.last is None or rec.lsn >= self.last.lsn:
                    self.last = rec
                    self.end_lsn = max(self.end_lsn, rec.end)
                self._recent.append(rec)
                valid = pos
            size = path.stat().st_size
            if valid < size:  # torn tail after a crash: cut it off as DB2's recovery does
                with path.open("r+b") as fh:
                    fh.truncate(valid)

    def read_from(self, lsn: int) -> Iterator[LogRecord]:
        """Records with LSN >= ``lsn`` in order (from the tail cache or the files)."""
        with self._lock:
            recent = list(self._recent)
        if recent and recent[0].lsn <= lsn:
            for rec in recent:
                if rec.lsn >= lsn:
                    yield rec
            return
        seen_end = lsn
        for path in self._files():
            for rec, _ in self._read_file(path):
                if rec.lsn >= lsn:
                    seen_end = rec.end
                    yield rec
        for rec in recent:
            if rec.lsn >= seen_end:
                yield rec

    def record_at(self, lsn: int) -> LogRecord | None:
        for rec in self.read_from(lsn):
            return rec if rec.lsn == lsn else None
        return None

    def record_ending_at(self, end: int) -> LogRecord | None:
        """The record whose end is ``end`` (for log-chain comparison on reintegration)."""
        with self._lock:
            for rec in reversed(self._recent):
                if rec.end == end:
                    return rec
                if rec.end < end:
                    break
        for path in self._files():
            for rec, _ in self._read_file(path):
                if rec.end == end:
                    return rec
        return None

    # -- writing --------------------------------------------------------------------------
    def _write(self, rec: LogRecord, sync: bool) -> None:
        path = self.logdir / file_name(rec.lsn // self.file_bytes)
        with path.open("ab") as fh:
            fh.write(rec.encode())
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        self._recent.append(rec)
        self.last = rec
        self.end_lsn = rec.end

    def append(self, payload: bytes, sync: bool = True) -> LogRecord:
        """Write a new record at the end of the log (the primary's log write)."""
        with self._lock:
            rec = LogRecord(self.end_lsn, payload)
            self._write(rec, sync)
            return rec

    def write_shipped(self, rec: LogRecord, sync: bool = True) -> bool:
        """Write a record received from the primary at its own LSN (the standby's log write).

        Returns False (and writes nothing) for a record already on disk.
        """
        with self._lock:
            if rec.lsn < self.end_lsn:
                return False
            self._write(rec, sync)
            return True

    def truncate_to(self, end: int) -> None:
        """Drop every record past ``end`` (used when a restore resets the log)."""
        with self._lock:
            for path in self._files():
                keep = b""
                for rec, _ in self._read_file(path):
                    if rec.end <= end:
                        keep += rec.encode()
                path.write_bytes(keep)
                if not keep:
                    path.unlink()
            self._recent = collections.deque(
                (r for r in self._recent if r.end <= end), maxlen=_CACHE
            )
            self.end_lsn = end
            self.last = self._recent[-1] if self._recent else None

"""A child process that appends batches and logs each acknowledged one (fsynced).

Usage: python writer.py TARGET ACKLOG PREFIX BATCHES BATCH_SIZE [retry]

Each batch's events have ids PREFIX-<batch>-<i>. After `append` returns, the
batch number is written to ACKLOG and fsynced: the log of what was acknowledged.
With `retry`, each append passes expected_position and retries on conflict.
"""

from __future__ import annotations

import os
import sys

import bilatlog as bl


def main() -> None:
    target, acklog, prefix, batches, size = sys.argv[1:6]
    retry = len(sys.argv) > 6 and sys.argv[6] == "retry"
    tl = bl.open(target)
    fd = os.open(acklog, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    for b in range(int(batches)):
        events = [
            bl.Event(
                id=f"{prefix}-{b}-{i}",
                type="test.appended",
                on="2020-10",
                track="t",
                status="s",
                summary="x" * 200,
            )
            for i in range(int(size))
        ]
        while True:
            try:
                tl.append(events, expected_position=tl.position if retry else None)
                break
            except bl.ConcurrencyError:
                continue
        os.write(fd, f"{b}\n".encode())
        os.fsync(fd)
    os.close(fd)
    tl.close()


if __name__ == "__main__":
    main()

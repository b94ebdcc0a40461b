"""Bundled datasets, installed with the package.

```python
import bilatlog as bl

tl = bl.examples.us_mexico()          # an in-memory copy you can extend
tl.state_at("2021-06-01")["merida-initiative"].status   # 'active'
```
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from bilatlog.backends.jsonl import JsonlBackend
from bilatlog.backends.memory import MemoryBackend
from bilatlog.exceptions import StorageError

if TYPE_CHECKING:
    from bilatlog.backends import Clock
    from bilatlog.timeline import Timeline

__all__ = ["US_MEXICO", "dataset_path", "us_mexico"]

#: The file name of the US-Mexico security cooperation timeline, 2006-2023.
US_MEXICO = "us_mexico_security.jsonl"


def dataset_path(name: str = US_MEXICO) -> Path:
    """Where a bundled dataset's file is: inside the installed package, or in a source tree."""
    packaged = resources.files(__name__) / name
    if packaged.is_file():
        return Path(str(packaged))
    source_tree = Path(__file__).resolve().parents[3] / "fixtures" / name
    if source_tree.is_file():
        return source_tree
    raise StorageError(f"the bundled dataset {name} is missing from this installation")


def us_mexico(*, clock: Clock | None = None) -> Timeline:
    """The US-Mexico security cooperation timeline (2006-2023), as an in-memory copy.

    63 sourced events and their corrections, with knowledge time as recorded:
    `known_at="2021-10-15"` shows what the Foreign Policy article of that day
    knew; no `known_at` shows today's view. Appending to the copy never
    touches the bundled file.
    """
    from bilatlog.timeline import Timeline  # noqa: PLC0415 - examples sit above the timeline

    return Timeline(MemoryBackend.copy_of(JsonlBackend(dataset_path(US_MEXICO)), clock=clock))

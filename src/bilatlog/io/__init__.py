"""Interop: import the event datasets researchers use; export to what they publish with.

Importers (`import_icews`, `import_polecat`, `import_gdelt`, `import_plover`,
and `import_csv` for bilatlog's own CSV)
stream their files into a `Timeline` and return an `ImportReport`. Exporters
(`export_csv`, `export_jsonl`, `export_timelinejs`, `export_plover`) write a
timeline's events; `bilatlog.io.arrow` streams them to Arrow and Parquet (the
`arrow` extra). `CooperationIndex` is a projection of imported event data
into a monthly or weekly series per dyad, with an optional dedup rule.
"""

from bilatlog.io._common import BadRow, ImportReport, PloverType, cameo_to_plover, country
from bilatlog.io.exporters import export_csv, export_jsonl, export_plover, export_timelinejs
from bilatlog.io.importers import import_gdelt, import_icews, import_plover, import_polecat
from bilatlog.io.index import CooperationIndex
from bilatlog.io.rows import import_csv

__all__ = [
    "BadRow",
    "CooperationIndex",
    "ImportReport",
    "PloverType",
    "cameo_to_plover",
    "country",
    "export_csv",
    "export_jsonl",
    "export_plover",
    "export_timelinejs",
    "import_csv",
    "import_gdelt",
    "import_icews",
    "import_plover",
    "import_polecat",
]

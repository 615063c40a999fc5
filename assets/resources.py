"""Resources: where the landing directory and the warehouse are.

Both settings come from the contract's environment variables, read when a run starts, never at
import time, so one code location serves any directory and warehouse file.
"""


from pathlib import Path

import dagster as dg

from pipeline import settings
from pipeline.warehouse import Warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse: the published file analysts read and the work file runs write."""

    duckdb_path: str | None = None  # None: SITREP_DUCKDB_PATH, else data/sitrep.duckdb

    def warehouse(self) -> Warehouse:
        return Warehouse(settings.duckdb_path(self.duckdb_path))


class LandingDirectory(dg.ConfigurableResource):
    """The landing directory of raw articles."""

    articles_dir: str | None = None  # None: SITREP_ARTICLES_DIR, else the bundled samples

    def path(self) -> Path:
        return settings.articles_dir(self.articles_dir)

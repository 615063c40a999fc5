"""Publication: the finished work database becomes the file analysts read, atomically."""


import dagster as dg

from assets.resources import WarehouseResource
from pipeline.stages import run_publish


def build_published_warehouse(upstream: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["warehouse", "published"]),
        deps=upstream,
        group_name="publishing",
        kinds={"duckdb"},
        pool="sitrep_warehouse",
    )
    def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        """One file, SITREP_DUCKDB_PATH: the last complete state, swapped in whole by os.replace."""
        store = warehouse.warehouse()
        counts = run_publish(store, context.run_id)
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(store.published_path)),
                **{f"rows/{table}": count for table, count in counts.items() if table.startswith("marts.")},
            }
        )

    return published_warehouse

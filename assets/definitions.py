"""The sitrep code location: `dagster dev -w workspace.yaml` or `-m assets.definitions`."""

import dagster as dg

from assets.dbt import dbt_models, dbt_resource
from assets.extraction import extracted_events
from assets.ingestion import ingested_articles
from assets.jobs import EXTRACTION_FAN_OUT_EXECUTOR, refresh_job
from assets.publishing import build_published_warehouse
from assets.resources import LandingDirectory, WarehouseResource
from assets.schedules import daily_refresh_schedule
from assets.sensors import new_articles_sensor

published_warehouse = build_published_warehouse(
    upstream=[key for key in dbt_models.keys if key.path[0] == "marts"]
)

defs = dg.Definitions(
    assets=[ingested_articles, extracted_events, dbt_models, published_warehouse],
    jobs=[refresh_job],
    schedules=[daily_refresh_schedule],
    sensors=[new_articles_sensor],
    executor=EXTRACTION_FAN_OUT_EXECUTOR,
    resources={
        "landing": LandingDirectory(),
        "warehouse": WarehouseResource(),
        "dbt": dbt_resource(),
    },
)

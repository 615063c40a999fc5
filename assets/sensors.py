"""A sensor that launches a refresh when settled files in the landing directory change."""

import dagster as dg

from assets.jobs import refresh_job
from assets.resources import LandingDirectory
from pipeline.landing import landing_state


@dg.sensor(job=refresh_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def new_articles_sensor(context: dg.SensorEvaluationContext, landing: LandingDirectory):
    """Fires once per new landing-directory state; the cursor is one fingerprint, so it never grows."""
    landing_dir = landing.path()
    if not landing_dir.is_dir():
        return dg.SkipReason(f"landing directory {landing_dir} does not exist")
    state = landing_state(landing_dir)
    if state.fingerprint == context.cursor:
        return dg.SkipReason(
            f"no change in {landing_dir} ({state.settled_files} files; {state.unsettled_files} still being written)"
        )
    context.update_cursor(state.fingerprint)
    # The run key makes a repeated evaluation of the same state launch nothing twice.
    return dg.RunRequest(run_key=state.fingerprint, tags={"sitrep/trigger": "new_articles_sensor"})

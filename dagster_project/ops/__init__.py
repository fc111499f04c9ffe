"""Running the warehouse unattended: alerts, retries, audit, retention, versions."""

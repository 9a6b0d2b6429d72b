"""The REST API (/api/v1/): thin DRF views over tracker selectors and services."""

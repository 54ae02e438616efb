"""Stage 1, the flow spec: what to audit (start URL, goal, the goal and baseline paths, ``done``), loaded
from YAML and validated with pydantic so that a mistake is reported with its file and line."""

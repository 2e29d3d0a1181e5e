"""The report site: MkDocs hooks, mkdocs-macros macros and figures, all fed by data/measurements.json."""

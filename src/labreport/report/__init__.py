"""The reporting wing: MkDocs hooks, macros and figures, fed by data/measurements.json only."""

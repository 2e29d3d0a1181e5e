"""The measuring wing: builds, runs, probes and analyses every variant; the only code that talks to Docker."""

"""Measures the multi-stage Docker build of devops-info-service and feeds the report site."""

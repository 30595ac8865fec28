"""Salvaguarda's reception benchmark: synthetic data, service-layer and HTTP measurements.

Run it with `make bench` (see bench/README.md). Nothing here is imported by the application.
"""

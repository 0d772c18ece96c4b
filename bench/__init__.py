"""Benchmarks of the pipeline and the catalogue (`make bench`); not part of `make test`."""

"""Built-in reference data of the simulated market, kept as Python literals so
that it ships with the package without any package-data configuration."""

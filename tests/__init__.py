"""The test suite. A package, so a dependency's top-level `tests` package (linuxforhealth-x12 installs one) cannot shadow it."""

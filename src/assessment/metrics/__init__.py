"""Computations on tidy tables: no I/O, frames in, frames out, each tested by hand calculation."""

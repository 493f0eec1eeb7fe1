"""San Joaquin Valley manufacturing labor-market needs assessment."""

__version__ = "0.1.0"

"""zhnews: clean scraped Chinese news dumps into per-article JSON."""

__version__ = "0.1.0"

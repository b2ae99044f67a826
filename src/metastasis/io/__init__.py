"""Reading and writing results: Parquet tables and JSON metadata, written atomically."""

from metastasis.io.atomic import OutputExistsError, atomic_output_dir

__all__ = ["OutputExistsError", "atomic_output_dir"]

"""Organs of the body and the routes tumour cells travel between them."""

from metastasis.anatomy.organs import ORGANS, Organ, organ_index, organ_table
from metastasis.anatomy.routing import Drainage, arrival_matrix, drainage_table

__all__ = [
    "ORGANS",
    "Drainage",
    "Organ",
    "arrival_matrix",
    "drainage_table",
    "organ_index",
    "organ_table",
]

"""How a diagnosed cancer is staged: TNM categories from the work-up, and the summary stage.

T comes from the primary's diameter at diagnosis (the size bands of the site's AJCC T
category, or a stated proxy where the site's T depends on depth or extension), N from the
regional-node deposits found by sentinel-node biopsy or dissection, M from distant lesions
found on the staging scan (`clinical.imaging`, the first scan after diagnosis) or made
evident by the symptom that led to diagnosis. The SEER summary stage follows: distant if
M1, regional if node-positive, localized otherwise.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
Pos = Annotated[float, Field(gt=0.0)]


def _ascending(name: str, v: list) -> list:
    if not v:
        raise ValueError(f"{name} needs at least one limit")
    if any(b <= a for a, b in zip(v, v[1:], strict=False)):
        raise ValueError(f"{name} = {v}: expected strictly increasing limits")
    return v


class Staging(BaseModel):
    """TNM rules of the primary site (defaults: AJCC 8th edition breast)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    t_limits_mm: list[Pos] = Field(
        default_factory=lambda: [20.0, 50.0],
        description="upper diameter (mm) of T1, T2, …; a larger primary is the next category",
    )
    t_source: str = Field("AJCC 8th edition breast: T1 ≤ 20 mm < T2 ≤ 50 mm < T3",
                          description="where the T bands come from")
    n_limits: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=lambda: [3, 9],
        description="most positive regional nodes of N1, N2, …; more is the next category; "
        "empty: any involvement is N1 (each nodal lesion counts as one node: assumption)",
    )
    n_source: str = Field("AJCC 8th edition breast: pN1 1-3, pN2 4-9, pN3 ≥ 10 nodes",
                          description="where the N bands come from")
    node_deposit_min_mm: Pos = Field(
        0.2, description="a nodal deposit counts from this diameter (mm; AJCC pN1mi: 0.2 mm)"
    )
    node_sensitivity: Prob = Field(
        0.9,
        description="chance that involved nodes are found at sentinel-node biopsy or "
        "dissection (false-negative rate of sentinel-node biopsy 9.8%: Krag et al. 2007 "
        "Lancet Oncol 8:881, NSABP B-32)",
    )

    @field_validator("t_limits_mm")
    @classmethod
    def _t(cls, v: list[float]) -> list[float]:
        return _ascending("staging.t_limits_mm", v)

    @field_validator("n_limits")
    @classmethod
    def _n(cls, v: list[int]) -> list[int]:
        return _ascending("staging.n_limits", v) if v else v

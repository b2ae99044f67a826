"""The engine: kernel inputs, the compiled per-patient stepper and the batch runner."""

from metastasis.engine.batch import BatchOutput, run_batch
from metastasis.engine.params import Schedule, build_inputs

__all__ = ["BatchOutput", "Schedule", "build_inputs", "run_batch"]

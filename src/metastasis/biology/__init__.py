"""One module per step of the metastatic cascade: pure rate functions of state and parameters.

Scalar functions are compiled with Numba so the engine's kernel calls them directly; they are
ordinary callables from Python too.
"""

"""Non-owning views of arrays for the kernel's containers.

Numba counts references to every array a compiled function receives or reads from a
container, with an atomic update per array per call. The kernel calls a handful of step
functions every simulated day, so those updates cost more than the steps' arithmetic. A
container therefore holds *borrowed* views: arrays over the same memory without a reference
count of their own, while the container keeps the owning arrays alive (its `keep` field).
A borrowed view is valid while its container lives; from Python, a container's attributes
return the owning arrays, never the views.
"""

from __future__ import annotations

from numba import carray, njit, types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def _as_pointer(typingctx, address):
    """The integer `address` as a void pointer."""
    sig = types.voidptr(address)

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], cgutils.voidptr_t)

    return sig, codegen


@njit(cache=True)
def borrow(a):
    """A view of the C-contiguous array `a` that holds no reference to it (same shape,
    dtype and memory); the caller keeps `a` alive for as long as the view is used."""
    if not a.flags.c_contiguous:
        raise ValueError("borrow: the array must be C-contiguous")
    # the intrinsic takes the typing context first only at typing time
    return carray(_as_pointer(a.ctypes.data), a.shape, a.dtype)  # type: ignore[call-arg]

"""PyTorch peer of bench/gemm.bench.ts: float64 matrix products on the CPU, served through
bench/peer.py (which sets OMP_NUM_THREADS and OPENBLAS_NUM_THREADS, names the BLAS and checks it).

Usage (by bench/peers.ts, KRYLOV_PEER_THREADS set): python3 bench/gemm_torch.py SHAPE…
each SHAPE "m,n,k,tA,tB" (tA, tB 0 or 1): op(A) is m×k, op(B) k×n, A stored k×m when tA and
B stored n×k when tB (transposed views, as ours read them by strides); C m×n written in place
with torch.mm(out=C). Cases are named by the SHAPE string.
"""
import peer

threads = peer.start()

import sys  # noqa: E402

import torch  # noqa: E402

cases = {}
gen = torch.Generator().manual_seed(1)
for spec in sys.argv[1:]:
    m, n, k, ta, tb = (int(x) for x in spec.split(","))
    A = torch.randn(k, m, dtype=torch.float64, generator=gen).t() if ta else torch.randn(m, k, dtype=torch.float64, generator=gen)
    B = torch.randn(n, k, dtype=torch.float64, generator=gen).t() if tb else torch.randn(k, n, dtype=torch.float64, generator=gen)
    C = torch.empty(m, n, dtype=torch.float64)
    cases[spec] = (lambda A, B, C: lambda: torch.mm(A, B, out=C))(A, B, C)

peer.serve(peer.describe(torch), {"shapes": list(cases)}, cases)

"""PyTorch peer of bench/growth.bench.ts: H·v (cached point, as bench/torch_mlp.py) of the MLP
d → h → c, batch B, float64, in a fresh process so that its peak resident set is this problem's.

Usage (by bench/peers.ts, KRYLOV_PEER_THREADS set): python3 bench/torch_growth.py d h c B RUNS
Prints one JSON line: {"info": peer.describe(...), "result": {n, baselineRssMb, peakRssMb,
buildMs, hvMs, hvCpuMs}}. The data are torch's own (seeded; the shapes are what matters here); the
baseline is the resident set after importing torch, the peak ru_maxrss after the runs, both
taken before the BLAS sanity check of peer.describe allocates its matrices.
"""
import peer

threads = peer.start()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402


def rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


baseline = rss_mb()
d, h, c, B, runs = (int(a) for a in sys.argv[1:6])
torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
n = d * h + h + h * c + c
t0 = time.perf_counter()
X = torch.randn(B, d)
Y = torch.nn.functional.one_hot(torch.randint(0, c, (B,)), c).double()
x0 = torch.zeros(n)
x0[: d * h] = torch.randn(d * h) / d**0.5
x0[d * h + h : d * h + h + h * c] = torch.randn(h * c) / h**0.5
v = torch.randn(n)


def f(x):
    W1 = x[: d * h].reshape(d, h)
    b1 = x[d * h : d * h + h]
    W2 = x[d * h + h : d * h + h + h * c].reshape(h, c)
    b2 = x[d * h + h + h * c :]
    z = torch.tanh(X @ W1 + b1) @ W2 + b2
    return -(Y * torch.log_softmax(z, 1)).sum(1).mean()


x = x0.clone().requires_grad_(True)
(g,) = torch.autograd.grad(f(x), x, create_graph=True)
build_ms = (time.perf_counter() - t0) * 1e3
# Warm-up: at least one product and 0.5 s of them, as bench/growth-child.ts does.
t_end = time.perf_counter() + 0.5
while True:
    torch.autograd.grad(g, x, v, retain_graph=True)
    if time.perf_counter() >= t_end:
        break
ts, cs = [], []
for _ in range(runs):
    t, c = time.perf_counter(), time.process_time()
    torch.autograd.grad(g, x, v, retain_graph=True)
    ts.append((time.perf_counter() - t) * 1e3)
    cs.append((time.process_time() - c) * 1e3)
ts.sort()
cs.sort()
result = {"n": n, "baselineRssMb": baseline, "peakRssMb": peer.peak_rss_mb(), "buildMs": build_ms, "hvMs": ts[len(ts) // 2], "hvCpuMs": cs[len(cs) // 2]}
print(json.dumps({"info": peer.describe(torch), "result": result}))

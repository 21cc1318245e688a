"""PyTorch reference figures for bench/autodiff.bench.ts (float64, CPU): gradient and H·v of the
MLP 784 → 256 → 10 (batch 256), and torch.autograd.functional.hessian of the MLP 100 → 64 → 10
(batch 512). Pass --no-hessian to skip the latter."""
import sys
import time

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(0)


def mlp(d, h, c, B):
    X = torch.randn(B, d)
    Y = torch.nn.functional.one_hot(torch.randint(0, c, (B,)), c).double()
    n = d * h + h + h * c + c

    def f(x):
        W1 = x[: d * h].reshape(d, h)
        b1 = x[d * h : d * h + h]
        W2 = x[d * h + h : d * h + h + h * c].reshape(h, c)
        b2 = x[d * h + h + h * c :]
        z = torch.tanh(X @ W1 + b1) @ W2 + b2
        return -(Y * torch.log_softmax(z, 1)).sum(1).mean()

    x0 = torch.randn(n) * 0.05
    return f, x0, n


def median_ms(fn, runs=7):
    fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1e3)
    ts.sort()
    return ts[len(ts) // 2]


f, x0, n = mlp(784, 256, 10, 256)
v = torch.randn(n)


def grad_once():
    x = x0.clone().requires_grad_(True)
    torch.autograd.grad(f(x), x)


def hvp_once():
    x = x0.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    torch.autograd.grad((g * v).sum(), x)


print(f"| torch gradient (784→256→10) | {median_ms(grad_once):.1f} ms |")
print(f"| torch H·v reverse-over-reverse | {median_ms(hvp_once):.1f} ms |")
if "--no-hessian" not in sys.argv:
    f2, x2, n2 = mlp(100, 64, 10, 512)
    t = time.perf_counter()
    torch.autograd.functional.hessian(f2, x2)
    print(f"| torch.autograd.functional.hessian (n = {n2}) | {time.perf_counter() - t:.1f} s |")

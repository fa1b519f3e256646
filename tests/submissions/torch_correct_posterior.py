"""A correct ``posterior_mean_variance`` written with torch (Ho et al. 2020, eqs. 6-7).

Graded only in a course environment that has torch (``grade-code --python``).  It also does
what a torch program does at import: ``ssl``, a temporary file and a thread, each of which must
work in the sandbox.
"""

import ssl
import tempfile
import threading

import torch

with tempfile.NamedTemporaryFile() as scratch:
    torch.save(torch.arange(3.0), scratch.name)
    assert torch.equal(torch.load(scratch.name), torch.arange(3.0))
_worker = threading.Thread(target=torch.zeros, args=(4,))
_worker.start()
_worker.join()
assert ssl.OPENSSL_VERSION


def posterior_mean_variance(x_t, x_0, t, betas):
    betas = torch.as_tensor(betas, dtype=torch.float64)
    alpha_bar = torch.cumprod(1.0 - betas, dim=0)
    alpha_bar_prev = torch.tensor(1.0, dtype=torch.float64) if t == 1 else alpha_bar[t - 2]
    beta_t = betas[t - 1]
    coef_x0 = torch.sqrt(alpha_bar_prev) * beta_t / (1.0 - alpha_bar[t - 1])
    coef_xt = torch.sqrt(1.0 - beta_t) * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    variance = beta_t * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    mean = coef_x0 * torch.as_tensor(x_0, dtype=torch.float64) \
        + coef_xt * torch.as_tensor(x_t, dtype=torch.float64)
    return mean.numpy(), variance.item()

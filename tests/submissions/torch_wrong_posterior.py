"""A torch ``posterior_mean_variance`` with a real mistake: the variance is ``β_t`` (DDPM's
"fixed_large" σ_t² = β_t) where the posterior's σ̃_t² = β_t (1 - β̄_{t-1}) / (1 - β̄_t) belongs."""

import torch


def posterior_mean_variance(x_t, x_0, t, betas):
    betas = torch.as_tensor(betas, dtype=torch.float64)
    alpha_bar = torch.cumprod(1.0 - betas, dim=0)
    alpha_bar_prev = torch.tensor(1.0, dtype=torch.float64) if t == 1 else alpha_bar[t - 2]
    beta_t = betas[t - 1]
    coef_x0 = torch.sqrt(alpha_bar_prev) * beta_t / (1.0 - alpha_bar[t - 1])
    coef_xt = torch.sqrt(1.0 - beta_t) * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    mean = coef_x0 * torch.as_tensor(x_0, dtype=torch.float64) \
        + coef_xt * torch.as_tensor(x_t, dtype=torch.float64)
    return mean.numpy(), beta_t.item()

"""A correct DDIM step in torch float64, written as diffusers' ``DDIMScheduler.step`` computes it
(``alphas_cumprod[t-1]`` for β̄_t, ``final_alpha_cumprod = 1`` for t_prev = 0)."""

import torch


def ddim_step(x_t, t, t_prev, eps, noise, eta, betas):
    betas = torch.as_tensor(betas, dtype=torch.float64)
    alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
    alpha_prod_t = alphas_cumprod[t - 1]
    alpha_prod_t_prev = alphas_cumprod[t_prev - 1] if t_prev > 0 else torch.tensor(1.0, dtype=torch.float64)
    x_t, eps, noise = (torch.as_tensor(a, dtype=torch.float64) for a in (x_t, eps, noise))
    pred_original_sample = (x_t - (1 - alpha_prod_t).sqrt() * eps) / alpha_prod_t.sqrt()
    variance = (1 - alpha_prod_t_prev) / (1 - alpha_prod_t) * (1 - alpha_prod_t / alpha_prod_t_prev)
    std_dev_t = eta * variance.sqrt()
    direction = (1 - alpha_prod_t_prev - std_dev_t**2).clamp(min=0).sqrt() * eps
    return (alpha_prod_t_prev.sqrt() * pred_original_sample + direction + std_dev_t * noise).numpy()

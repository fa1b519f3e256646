"""GAN losses, training, and the numeric experiments behind homework section 1.

Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014:

- value function (eq. 1): ``V(G, D) = E_{p_r} log D(x) + E_{p_g} log(1 - D(x))``;
- optimal discriminator (Prop. 1): ``D*(x) = p_r(x) / (p_r(x) + p_g(x))``;
- generator objective (Thm. 1): ``C(G) = V(G, D*) = -log 4 + 2·JSD(p_r ‖ p_g)``;
- §3: the generator's saturating loss ``E log(1 - D(G(z)))`` gives weak gradients early
  in training, so one minimises the non-saturating ``-E log D(G(z))`` instead.

Arjovsky & Bottou, "Towards Principled Methods for Training GANs", ICLR 2017, Thm. 2.4:
if ``‖D - D*‖ < ε`` with ``‖f‖ = sup_x |f(x)| + ‖∇_x f(x)‖`` on the generator's support,
and ``E_z ‖J_θ G_θ(z)‖² ≤ M²``, then ``‖∇_θ E_z log(1 - D(G_θ(z)))‖ < M ε / (1 - ε)``.

Mode-coverage metrics follow Srivastava et al., "VEEGAN", NeurIPS 2017, §5.1.

``D`` works on logits: ``D(x) = σ(a(x))`` with ``a`` the output of an ``MLP``, so every
``log D = log σ(a)`` is evaluated stably as ``-softplus(-a)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np
from scipy import integrate, special

from .mlp import MLP, Adam, init_mlp

SampleReal = Callable[[int, np.random.Generator], np.ndarray]


# --- losses on logits ---------------------------------------------------------------


def log_sigmoid(a: np.ndarray) -> np.ndarray:
    """``log σ(a) = -log(1 + e^{-a})``, exact for large ``|a|`` (no ``log(0)``)."""
    return -np.logaddexp(0.0, -np.asarray(a, dtype=np.float64))


def discriminator_loss(logits_real: np.ndarray, logits_fake: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Binary cross-entropy ``L_D = -mean log σ(a_r) - mean log(1 - σ(a_f))`` = ``-V(G, D)`` estimated.

    Returns ``(L_D, ∂L_D/∂a_r, ∂L_D/∂a_f)``; since ``d log σ(a)/da = 1 - σ(a)`` and
    ``1 - σ(a) = σ(-a)``: ``∂L_D/∂a_r = -σ(-a_r)/n_r``, ``∂L_D/∂a_f = σ(a_f)/n_f``.
    """
    a_r = np.asarray(logits_real, dtype=np.float64)
    a_f = np.asarray(logits_fake, dtype=np.float64)
    if a_r.size == 0 or a_f.size == 0:
        raise ValueError("discriminator_loss needs at least one real and one fake logit")
    loss = -log_sigmoid(a_r).mean() - log_sigmoid(-a_f).mean()
    return float(loss), -special.expit(-a_r) / a_r.size, special.expit(a_f) / a_f.size


def generator_loss_saturating(logits_fake: np.ndarray) -> tuple[float, np.ndarray]:
    """Saturating loss ``L_G = mean log(1 - D(G(z))) = mean log σ(-a)`` (minimised by G).

    ``∂L_G/∂a = -σ(a)/n`` → 0 as ``D(G(z)) = σ(a)`` → 0: the vanishing gradient of §3.
    """
    a = np.asarray(logits_fake, dtype=np.float64)
    if a.size == 0:
        raise ValueError("generator loss needs at least one logit")
    return float(log_sigmoid(-a).mean()), -special.expit(a) / a.size


def generator_loss_nonsaturating(logits_fake: np.ndarray) -> tuple[float, np.ndarray]:
    """Non-saturating loss ``L_G = -mean log D(G(z)) = -mean log σ(a)``.

    ``∂L_G/∂a = -σ(-a)/n`` → ``-1/n`` as ``D(G(z))`` → 0, so a confident D still teaches G.
    """
    a = np.asarray(logits_fake, dtype=np.float64)
    if a.size == 0:
        raise ValueError("generator loss needs at least one logit")
    return float(-log_sigmoid(a).mean()), -special.expit(-a) / a.size


GENERATOR_LOSSES = {
    "saturating": generator_loss_saturating,
    "nonsaturating": generator_loss_nonsaturating,
}


def generator_output_gradient(D: MLP, x_fake: np.ndarray, loss: str = "nonsaturating") -> tuple[float, np.ndarray]:
    """``(L_G, ∂L_G/∂x)`` at generator samples ``x_fake``: the loss's logit gradient pulled back through D."""
    if loss not in GENERATOR_LOSSES:
        raise ValueError(f"loss must be one of {sorted(GENERATOR_LOSSES)}, got {loss!r}")
    logits, cache = D.forward(x_fake)
    value, grad_logits = GENERATOR_LOSSES[loss](logits)
    _, grad_x = D.backward(cache, grad_logits)
    return value, grad_x


# --- targets and metrics --------------------------------------------------------------


class ModeMetrics(NamedTuple):
    """Modes with at least ``min_count`` high-quality samples, the high-quality fraction, and per-mode counts."""

    modes_covered: int
    hq_fraction: float
    counts: np.ndarray


def mode_metrics(samples: np.ndarray, modes: np.ndarray, std: float, min_count: int = 20) -> ModeMetrics:
    """VEEGAN's metrics (Srivastava et al. 2017, §5.1) for a mixture of ``N(μ_k, std² I)``.

    A sample is high quality if it lies within ``3·std`` of its nearest mode; a mode is
    covered if at least ``min_count`` high-quality samples are nearest to it.  The
    default 20 is our convention (for 2500 samples on 8 modes, under 7% of a mode's fair
    share of 312), so a few strays do not count as coverage.
    """
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != modes.shape[1]:
        raise ValueError(f"samples must have shape (n, {modes.shape[1]}), got {samples.shape}")
    if not std > 0 or min_count < 1:
        raise ValueError(f"need std > 0 and min_count >= 1, got {std}, {min_count}")
    dist = np.linalg.norm(samples[:, None, :] - modes[None, :, :], axis=2)
    nearest = dist.argmin(axis=1)
    hq = dist[np.arange(len(samples)), nearest] <= 3.0 * std
    counts = np.bincount(nearest[hq], minlength=len(modes))
    return ModeMetrics(int((counts >= min_count).sum()), float(hq.mean()), counts)


# --- training ------------------------------------------------------------------------


@dataclass(eq=False)
class GANRun:
    """Trained networks, per-iteration losses, and ``snapshots[i]`` = G's samples after i iterations."""

    G: MLP
    D: MLP
    d_loss: np.ndarray
    g_loss: np.ndarray
    snapshots: dict[int, np.ndarray]


def train_gan(sample_real: SampleReal, rng: np.random.Generator, *, dim_latent: int = 2,
              hidden: tuple[int, ...] = (64, 64), activation: str = "leaky_relu", n_iter: int = 1000,
              batch_size: int = 128, lr_d: float = 1e-3, lr_g: float = 1e-3, loss: str = "nonsaturating",
              snapshot_at: tuple[int, ...] = (), n_snapshot: int = 2500) -> GANRun:
    """Alternating minibatch training (Goodfellow et al. 2014, Alg. 1 with k = 1, Adam steps).

    Each iteration takes one D step on ``-V`` (fresh real and fake batches) and one G step
    on ``loss`` through the updated D.  ``z ~ N(0, I_{dim_latent})``.  One iteration sees one
    fresh batch of the (infinite) target, so "epoch" and "iteration" coincide here;
    snapshots use one fixed latent batch so frames are comparable.
    """
    if loss not in GENERATOR_LOSSES:
        raise ValueError(f"loss must be one of {sorted(GENERATOR_LOSSES)}, got {loss!r}")
    if n_iter < 0 or batch_size < 1 or dim_latent < 1:
        raise ValueError(f"need n_iter >= 0, batch_size >= 1, dim_latent >= 1; got {n_iter}, {batch_size}, {dim_latent}")
    if any(not 0 <= i <= n_iter for i in snapshot_at):
        raise ValueError(f"snapshot iterations must lie in [0, {n_iter}], got {snapshot_at}")
    dim_data = np.asarray(sample_real(1, rng)).shape[-1]
    G = init_mlp((dim_latent, *hidden, dim_data), rng, activation)
    D = init_mlp((dim_data, *hidden, 1), rng, activation)
    opt_g, opt_d = Adam(G.params, lr=lr_g), Adam(D.params, lr=lr_d)
    z_snapshot = rng.standard_normal((n_snapshot, dim_latent))
    snapshots = {0: G(z_snapshot)} if 0 in snapshot_at else {}
    d_loss, g_loss = np.empty(n_iter), np.empty(n_iter)
    for i in range(n_iter):
        x_r = np.asarray(sample_real(batch_size, rng), dtype=np.float64).reshape(batch_size, dim_data)
        x_f = G(rng.standard_normal((batch_size, dim_latent)))
        # One forward pass over real and fake together: same D, half the Python overhead.
        logits, cache = D.forward(np.concatenate([x_r, x_f]))
        d_loss[i], g_r, g_f = discriminator_loss(logits[:batch_size], logits[batch_size:])
        grads_d, _ = D.backward(cache, np.concatenate([g_r, g_f]))
        opt_d.step(grads_d)

        x_f, cache_g = G.forward(rng.standard_normal((batch_size, dim_latent)))
        g_loss[i], grad_x = generator_output_gradient(D, x_f, loss)
        grads_g, _ = G.backward(cache_g, grad_x)
        opt_g.step(grads_g)
        if i + 1 in snapshot_at:
            snapshots[i + 1] = G(z_snapshot)
    return GANRun(G, D, d_loss, g_loss, snapshots)


# --- optimal discriminator ------------------------------------------------------------


def optimal_discriminator(p_r, p_g) -> np.ndarray:
    """``D*(x) = p_r(x) / (p_r(x) + p_g(x))`` from density values (Goodfellow et al. 2014, Prop. 1).

    ``D*`` maximises ``p_r log D + p_g log(1-D)`` pointwise.  Where ``p_r = p_g = 0`` every D is
    optimal and ``D*`` is undefined, so that raises ``ValueError`` (as do negative or non-finite
    densities) rather than returning NaN.
    """
    p_r = np.asarray(p_r, dtype=np.float64)
    p_g = np.asarray(p_g, dtype=np.float64)
    p_r, p_g = np.broadcast_arrays(p_r, p_g)
    for name, p in (("p_r", p_r), ("p_g", p_g)):
        bad = np.argwhere(~np.isfinite(p) | (p < 0))
        if bad.size:
            index = tuple(int(i) for i in bad[0])
            raise ValueError(f"{name}{list(index)} = {p[index]} is not a finite non-negative density")
    both_zero = np.argwhere((p_r == 0) & (p_g == 0))
    if both_zero.size:
        index = tuple(int(i) for i in both_zero[0])
        raise ValueError(f"p_r and p_g are both 0 at index {list(index)}: D* is undefined there")
    # Dividing both densities by the larger one first keeps p_r + p_g from overflowing.
    scale = np.maximum(p_r, p_g)
    return (p_r / scale) / (p_r / scale + p_g / scale)


class DiscriminatorFit(NamedTuple):
    """Trained ``D(x)`` and ``D*(x)`` on the grid ``x``."""

    x: np.ndarray
    D: np.ndarray
    D_star: np.ndarray


def fit_discriminator_fixed_generator(rng: np.random.Generator, *, mu_r: float = 0.0, sigma_r: float = 1.0,
                                      mu_g: float = 1.5, sigma_g: float = 1.0, x: np.ndarray | None = None,
                                      hidden: tuple[int, ...] = (16,), n_iter: int = 1500, batch_size: int = 512,
                                      lr: float = 1e-2) -> DiscriminatorFit:
    """Train D by Adam on ``-V(G, D)`` against fixed ``p_r = N(mu_r, σ_r²)``, ``p_g = N(mu_g, σ_g²)``.

    Returns D and ``D* = p_r/(p_r + p_g)`` on the grid ``x`` (default: 201 points spanning
    both means ± 3σ).  The step size decays as ``lr/√(1 + i/100)`` so the final iterate's
    minibatch noise shrinks instead of hovering at the Adam step scale.
    """
    if not (sigma_r > 0 and sigma_g > 0):
        raise ValueError(f"standard deviations must be positive, got {sigma_r}, {sigma_g}")
    if x is None:
        lo = min(mu_r - 3 * sigma_r, mu_g - 3 * sigma_g)
        hi = max(mu_r + 3 * sigma_r, mu_g + 3 * sigma_g)
        x = np.linspace(lo, hi, 201)
    x = np.asarray(x, dtype=np.float64)
    D = init_mlp((1, *hidden, 1), rng, "tanh")
    opt = Adam(D.params, lr=lr)
    for i in range(n_iter):
        opt.lr = lr / np.sqrt(1.0 + i / 100.0)
        x_r = rng.normal(mu_r, sigma_r, size=(batch_size, 1))
        x_g = rng.normal(mu_g, sigma_g, size=(batch_size, 1))
        logits, cache = D.forward(np.concatenate([x_r, x_g]))
        _, g_r, g_g = discriminator_loss(logits[:batch_size], logits[batch_size:])
        grads, _ = D.backward(cache, np.concatenate([g_r, g_g]))
        opt.step(grads)
    D_on_grid = special.expit(D(x[:, None])[:, 0])
    # D* = exp(log p_r - log(p_r + p_g)): the log form stays defined where both densities underflow.
    D_star = np.exp(_log_D_star(x, mu_r, sigma_r, mu_g, sigma_g)[0])
    return DiscriminatorFit(x, D_on_grid, D_star)


# --- C(G) and JSD for 1-D Gaussians ---------------------------------------------------


def _check_gaussians(sigma_r: float, sigma_g: float) -> None:
    if not (sigma_r > 0 and sigma_g > 0):
        raise ValueError(f"standard deviations must be positive, got {sigma_r}, {sigma_g}")


def _gaussian_logpdf(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    # Written out rather than scipy.stats.norm.logpdf: quad calls it on scalars thousands of
    # times, and the frozen-distribution machinery costs far more than the arithmetic.
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2.0 * np.pi)


def _log_D_star(x: np.ndarray, mu_r: float, sigma_r: float, mu_g: float, sigma_g: float) -> tuple[np.ndarray, np.ndarray]:
    # log D* = log p_r - log(p_r + p_g) and log(1 - D*) = log p_g - log(p_r + p_g), in the
    # log domain so the tails give large negative numbers rather than log(0).
    log_p_r = _gaussian_logpdf(x, mu_r, sigma_r)
    log_p_g = _gaussian_logpdf(x, mu_g, sigma_g)
    log_sum = np.logaddexp(log_p_r, log_p_g)
    return log_p_r - log_sum, log_p_g - log_sum


def _quad(f: Callable[[float], float], mu_r: float, sigma_r: float, mu_g: float, sigma_g: float) -> float:
    # Beyond 40σ of both means the Gaussians are below e^{-800}: truncating there is exact in
    # float64.  Breakpoints at the means let quad resolve a narrow component next to a wide one.
    # Two breakpoints closer than the scale's rounding (means 0 and 1e-308, say) would make quad
    # integrate a sliver of no width and lose accuracy: merge them.
    lo = min(mu_r - 40 * sigma_r, mu_g - 40 * sigma_g)
    hi = max(mu_r + 40 * sigma_r, mu_g + 40 * sigma_g)
    scale = min(sigma_r, sigma_g)
    points = [mu_r] if abs(mu_r - mu_g) <= 1e-9 * scale else sorted((mu_r, mu_g))
    value, _ = integrate.quad(f, lo, hi, points=points, limit=500, epsabs=1e-13, epsrel=1e-13)
    return value


def generator_objective_quad(mu_r: float, sigma_r: float, mu_g: float, sigma_g: float) -> float:
    """``C(G) = V(G, D*) = ∫ p_r log D* + p_g log(1 - D*) dx`` by adaptive quadrature."""
    _check_gaussians(sigma_r, sigma_g)

    def integrand(x: float) -> float:
        log_d, log_1md = _log_D_star(x, mu_r, sigma_r, mu_g, sigma_g)
        return np.exp(_gaussian_logpdf(x, mu_r, sigma_r)) * log_d + np.exp(_gaussian_logpdf(x, mu_g, sigma_g)) * log_1md

    return _quad(integrand, mu_r, sigma_r, mu_g, sigma_g)


def generator_objective_mc(mu_r: float, sigma_r: float, mu_g: float, sigma_g: float, n: int,
                           rng: np.random.Generator) -> tuple[float, float]:
    """Monte Carlo ``C(G) ≈ mean log D*(x_r) + mean log(1 - D*(x_g))``, with its standard error.

    ``x_r ~ p_r`` and ``x_g ~ p_g`` are independent, so ``SE² = Var[log D*]/n + Var[log(1-D*)]/n``.
    """
    _check_gaussians(sigma_r, sigma_g)
    if n < 2:
        raise ValueError(f"need n >= 2 samples for a standard error, got {n}")
    log_d, _ = _log_D_star(rng.normal(mu_r, sigma_r, n), mu_r, sigma_r, mu_g, sigma_g)
    _, log_1md = _log_D_star(rng.normal(mu_g, sigma_g, n), mu_r, sigma_r, mu_g, sigma_g)
    se = np.sqrt(log_d.var(ddof=1) / n + log_1md.var(ddof=1) / n)
    return float(log_d.mean() + log_1md.mean()), float(se)


def jsd_quad(mu_r: float, sigma_r: float, mu_g: float, sigma_g: float) -> float:
    """``JSD(p_r ‖ p_g) = H(m) - (H(p_r) + H(p_g))/2``, ``m = (p_r + p_g)/2`` (nats).

    ``H(m)`` by quadrature, the Gaussian entropies in closed form ``½ log(2πe σ²)``; this
    route shares no integrand with ``generator_objective_quad``, so comparing the two
    checks Thm. 1 rather than an algebraic rewrite.
    """
    _check_gaussians(sigma_r, sigma_g)

    def neg_m_log_m(x: float) -> float:
        log_m = np.logaddexp(_gaussian_logpdf(x, mu_r, sigma_r), _gaussian_logpdf(x, mu_g, sigma_g)) - np.log(2.0)
        return -np.exp(log_m) * log_m

    h_m = _quad(neg_m_log_m, mu_r, sigma_r, mu_g, sigma_g)
    h_r, h_g = (0.5 * np.log(2.0 * np.pi * np.e * s**2) for s in (sigma_r, sigma_g))
    return h_m - 0.5 * (h_r + h_g)


# --- vanishing gradient (homework 1.3) --------------------------------------------------


class VanishingGradientRow(NamedTuple):
    """One sharpness ``k``: ε, sup |D - D*|, both generator-gradient norms, and ``M ε/(1 - ε)``."""

    k: float
    epsilon: float
    epsilon_value_only: float
    saturating: float
    nonsaturating: float
    bound: float


def vanishing_gradient_table(ks: np.ndarray, rng: np.random.Generator, *, theta: float = 0.0, s: float = 0.25,
                             c: float = 1.0, n: int = 10_000) -> list[VanishingGradientRow]:
    """Generator gradients against a sharpening discriminator ``D(x) = σ(k(x - c))``.

    ``G_θ(z) = θ + s·z`` with ``z ~ U[-1, 1]`` has support ``[θ - s, θ + s]``, to the left of
    ``c``; ``p_r`` sits right of ``c``, so the supports are disjoint and the perfect
    discriminator is ``D* = 0`` (with ``∇D* = 0``) on the generator's support.  With
    ``a = k(G_θ(z) - c)`` and ``∂a/∂θ = k``, Monte Carlo over ``n`` latents gives

    - saturating ``|∂_θ E log(1 - D)| = k·E σ(a)``  → 0 as k grows,
    - non-saturating ``|∂_θ E[-log D]| = k·E σ(-a)`` → grows like k,

    and the Arjovsky–Bottou bound ``M ε/(1 - ε)`` with ``M = 1`` (``J_θ G = 1``) and
    ``ε = sup (|D| + |D'|)`` over the generator's support (``inf`` where ε ≥ 1).
    ``epsilon_value_only = sup |D - D*|`` is reported to show that the gradient term of the
    norm is needed: with it alone the "bound" fails once ``s < 1/2``.
    """
    ks = np.asarray(ks, dtype=np.float64)
    if np.any(ks <= 0):
        raise ValueError("sharpness k must be positive")
    if not (s > 0 and theta + s < c):
        raise ValueError(f"need s > 0 and the generator support [θ-s, θ+s] left of c; got θ={theta}, s={s}, c={c}")
    if n < 1:
        raise ValueError(f"need n >= 1 latent samples, got {n}")
    x = theta + s * rng.uniform(-1.0, 1.0, size=n)
    rows = []
    for k in ks:
        a = k * (x - c)
        _, grad_sat = generator_loss_saturating(a)
        _, grad_nonsat = generator_loss_nonsaturating(a)
        # D and D' = k σ(1-σ) both increase on x < c, so their sup over [θ-s, θ+s] is at θ+s.
        d_max = special.expit(k * (theta + s - c))
        eps_value = float(d_max)
        eps = float(d_max + k * d_max * (1.0 - d_max))
        rows.append(VanishingGradientRow(
            k=float(k), epsilon=eps, epsilon_value_only=eps_value,
            saturating=float(abs(np.sum(grad_sat * k))), nonsaturating=float(abs(np.sum(grad_nonsat * k))),
            bound=eps / (1.0 - eps) if eps < 1.0 else np.inf,
        ))
    return rows

"""Other codebases' diffusion conventions, rebuilt from plain arrays (no torch): schedules,
variances and timestep lists, each returned in genverify's convention.

genverify (and the homework) index time by ``t ∈ {1..T}``: ``betas[t-1] = β_t`` and
``alpha_bars[t-1] = β̄_t = ∏_{i≤t}(1-β_i)``, which Ho et al. (2020, eq. 4) write ``ᾱ_t`` and DDIM
(Song, Meng & Ermon 2021, eq. 1) writes ``α_t``.  improved-diffusion and diffusers index arrays by
``k = t-1 ∈ {0..T-1}``: their ``alphas_cumprod[k] = β̄_{k+1}`` and their timestep ``k`` is time
``t = k + 1`` here.  Every timestep list below is returned as 1-based times ``t``, ascending, ready
for :func:`genverify.numeric.samplers.ddim_sample`'s ``timesteps``.

Sources, transcribed (a comment names the line each function follows):

- Ho et al. 2020, §4; code ``hojonathanho/diffusion`` @ 1e0dceb, ``diffusion_tf/diffusion_utils_2.py``.
- Nichol & Dhariwal 2021, eq. 17; code ``openai/improved-diffusion`` @ 1bc7bbb,
  ``improved_diffusion/gaussian_diffusion.py`` (``get_named_beta_schedule``, ``betas_for_alpha_bar``,
  ``p_mean_variance``) and ``improved_diffusion/respace.py`` (``space_timesteps``, ``SpacedDiffusion``).
- diffusers 0.42.1, ``schedulers/scheduling_ddpm.py`` and ``scheduling_ddim.py`` (``__init__``'s
  ``beta_schedule`` branches, ``set_timesteps``, ``_get_variance``); diffusers builds them in float32,
  the constructors here compute the same formulas in float64.
- Song, Meng & Ermon 2021, code ``ermongroup/ddim`` @ e8df66c, ``runners/diffusion.py``
  (``sample_image``'s ``skip_type``).

``tests/conventions_capture.json`` (written by ``scripts/capture_conventions.py``) holds what the
libraries themselves return; ``tests/test_conventions.py`` checks everything here against it.
"""

from __future__ import annotations

import math

import numpy as np

from .schedules import Schedule, _check_count, check_t, linear_schedule

#: Schedule names each library accepts, as those libraries spell them.
IMPROVED_DIFFUSION_SCHEDULES = ("linear", "cosine")
DIFFUSERS_SCHEDULES = ("linear", "scaled_linear", "squaredcos_cap_v2", "sigmoid")
DIFFUSERS_SPACINGS = ("linspace", "leading", "trailing")
DDIM_SKIP_TYPES = ("uniform", "quad")
VARIANCES = ("fixed_small", "fixed_large", "improved_diffusion_fixed_large")


def ho_linear_schedule(T: int = 1000) -> Schedule:
    """Ho et al. (2020), §4: ``β_t`` linear from ``β_1 = 10⁻⁴`` to ``β_T = 0.02`` (T = 1000 there).

    The endpoints do not depend on T; diffusers' ``"linear"`` with its default endpoints is the
    same schedule."""
    return linear_schedule(T, 1e-4, 0.02)


def _cosine_betas(T: int, max_beta: float = 0.999) -> np.ndarray:
    # improved-diffusion's betas_for_alpha_bar, one scalar at a time exactly as written there
    # (β_t = min(1 - ᾱ(t/T)/ᾱ((t-1)/T), max_beta), ᾱ(u) = cos²((u + 0.008)/1.008 · π/2)), so the
    # result is bitwise the library's; diffusers' squaredcos_cap_v2 is the same loop.
    def alpha_bar(u: float) -> float:
        return math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2

    return np.array([min(1 - alpha_bar((i + 1) / T) / alpha_bar(i / T), max_beta) for i in range(T)])


def improved_diffusion_schedule(name: str, T: int) -> Schedule:
    """improved-diffusion's ``get_named_beta_schedule(name, T)``.

    ``"linear"``: Ho's endpoints scaled by ``1000/T``, ``β_1 = 0.1/T``, ``β_T = 20/T``, so the
    schedule stays alike as T changes; it needs ``T > 20`` (at ``T = 20``, ``β_T = 1`` and
    ``β̄_T = 0``, which improved-diffusion accepts and genverify does not).
    ``"cosine"``: Nichol & Dhariwal (2021), eq. 17 with ``s = 0.008`` and ``β_t ≤ 0.999``.

    >>> improved_diffusion_schedule("linear", 100).betas[[0, -1]].tolist()
    [0.001, 0.2]
    """
    T = _check_count("T", T)
    if name == "linear":
        if T <= 20:
            raise ValueError(f"improved-diffusion's linear schedule has β_T = 20/T = {20 / T:g} ≥ 1 at T = {T}; "
                             "it needs T > 20")
        scale = 1000 / T
        return Schedule(np.linspace(scale * 0.0001, scale * 0.02, T, dtype=np.float64))
    if name == "cosine":
        return Schedule(_cosine_betas(T))
    raise ValueError(f"improved-diffusion has no schedule {name!r}; it has {', '.join(IMPROVED_DIFFUSION_SCHEDULES)}")


def diffusers_schedule(name: str, T: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02) -> Schedule:
    """diffusers' ``DDPMScheduler(num_train_timesteps=T, beta_schedule=name, beta_start, beta_end)``
    schedule, in float64 where diffusers stores float32.

    ``"linear"``: ``β_t`` evenly spaced from ``beta_start`` to ``beta_end`` (no 1000/T scaling);
    ``"scaled_linear"``: ``√β_t`` evenly spaced from ``√beta_start`` to ``√beta_end`` (latent
    diffusion, with 0.00085 and 0.012); ``"squaredcos_cap_v2"``: the cosine schedule of
    improved-diffusion; ``"sigmoid"``: ``beta_start + (beta_end - beta_start) σ(u)`` with ``u``
    evenly spaced on [-6, 6] (GeoDiff).  The two endpoints are ignored by ``squaredcos_cap_v2``.
    """
    T = _check_count("T", T)
    if name == "linear":
        return Schedule(np.linspace(beta_start, beta_end, T))
    if name == "scaled_linear":
        return Schedule(np.linspace(beta_start**0.5, beta_end**0.5, T) ** 2)
    if name == "squaredcos_cap_v2":
        return Schedule(_cosine_betas(T))
    if name == "sigmoid":
        return Schedule(1.0 / (1.0 + np.exp(-np.linspace(-6.0, 6.0, T))) * (beta_end - beta_start) + beta_start)
    raise ValueError(f"diffusers has no beta_schedule {name!r} here; use one of {', '.join(DIFFUSERS_SCHEDULES)}")


def schedule_from_alphas_cumprod(alphas_cumprod) -> Schedule:
    """The schedule whose ``β̄_t`` is ``alphas_cumprod[t-1]`` (a library's array, 0-based):
    ``β_t = 1 - β̄_t/β̄_{t-1}`` with ``β̄_0 = 1`` (Ho et al. 2020, eq. 4 inverted)."""
    a = np.asarray(alphas_cumprod, dtype=np.float64)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"alphas_cumprod must be a non-empty 1-D array, got shape {a.shape}")
    if not (np.all(np.isfinite(a)) and np.all(a > 0) and np.all(a <= 1)):
        raise ValueError("alphas_cumprod must lie in (0, 1]")
    return Schedule(1.0 - a / np.concatenate(([1.0], a[:-1])))


def index_of(t, T: int) -> np.ndarray:
    """The library index ``k = t - 1`` of time ``t ∈ {1..T}`` (``alphas_cumprod[k] = β̄_t``)."""
    return check_t(t, T) - 1


def t_of_index(k, T: int) -> np.ndarray:
    """The time ``t = k + 1`` of a library index or timestep ``k ∈ {0..T-1}``."""
    arr = np.asarray(k)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"an index must be an integer in 0..{T - 1}, got {k!r}")
    return check_t(arr.astype(np.int64) + 1, T)


def model_variance(schedule: Schedule, kind: str) -> np.ndarray:
    """The reverse-step variance each codebase uses at ``t = 1..T`` (index ``t-1``), Ho et al. §3.2.

    ``"fixed_small"``: ``σ̃_t² = β_t (1-β̄_{t-1})/(1-β̄_t)``, 0 at ``t = 1`` — Ho's fixedsmall,
    improved-diffusion's FIXED_SMALL, diffusers' fixed_small (which clamps it to ≥ 1e-20).
    ``"fixed_large"``: ``β_t`` — diffusers' fixed_large and the ``model_variance`` array of Ho's fixedlarge.
    ``"improved_diffusion_fixed_large"``: ``σ̃_2²`` at ``t = 1``, then ``β_2..β_T`` —
    improved-diffusion's FIXED_LARGE (``p_mean_variance``: ``np.append(self.posterior_variance[1],
    self.betas[1:])``) and the ``model_log_variance`` of Ho's fixedlarge, which Ho's sampler and KL
    terms read; not ``β_1``, and not ``σ̃_1² = 0``, "to get a better decoder log likelihood" (their
    comment).  It needs ``T ≥ 2``.

    The three codebases' samplers add no noise at ``t = 1``, so the ``t = 1`` entry matters only in
    the decoder term ``L_0`` of the ELBO.
    """
    if kind == "fixed_small":
        return np.array(schedule.posterior_variance)
    if kind == "fixed_large":
        return np.array(schedule.betas)
    if kind == "improved_diffusion_fixed_large":
        if schedule.T < 2:
            raise ValueError("improved-diffusion's fixed_large reads σ̃_2² at t = 1, which needs T ≥ 2")
        return np.concatenate(([schedule.posterior_variance[1]], schedule.betas[1:]))
    raise ValueError(f"unknown variance {kind!r}; use one of {', '.join(VARIANCES)}")


def _check_times(timesteps, T: int) -> np.ndarray:
    steps = np.asarray(timesteps)
    if steps.ndim != 1 or steps.size == 0 or steps.dtype.kind not in "iu":
        raise ValueError("timesteps must be a non-empty 1-D sequence of integers")
    steps = check_t(steps, T)
    if np.any(np.diff(steps) <= 0):
        raise ValueError("timesteps must increase strictly")
    return steps


def respaced_schedule(schedule: Schedule, timesteps) -> Schedule:
    """The diffusion that visits only ``timesteps`` τ_1 < … < τ_S: its step ``k`` has
    ``β'_k = 1 - β̄_{τ_k}/β̄_{τ_{k-1}}`` (``β̄_{τ_0} = 1``), so its ``β̄'_k = β̄_{τ_k}``.

    improved-diffusion's ``SpacedDiffusion`` builds these betas; diffusers' DDPMScheduler after
    ``set_timesteps`` takes the same ``β'`` (its ``current_beta_t``) between listed steps.
    ``1 - ∏(1-β_i)`` over the skipped block is computed as ``-expm1(Σ log1p(-β_i))``: the
    libraries' ``1 - ratio`` loses relative precision when ``β'`` is small.
    """
    steps = _check_times(timesteps, schedule.T)
    log_alpha_bars = np.concatenate(([0.0], np.cumsum(np.log1p(-schedule.betas))))
    edges = np.concatenate(([0], steps))
    return Schedule(-np.expm1(log_alpha_bars[edges[1:]] - log_alpha_bars[edges[:-1]]))


def diffusers_timesteps(T: int, n: int, spacing: str = "leading", steps_offset: int = 0) -> np.ndarray:
    """diffusers' ``set_timesteps(n)`` for ``num_train_timesteps = T``, as 1-based times, ascending.

    diffusers lists 0-based timesteps ``k`` descending; here ``t = k + 1``.  With ``k``:
    ``"linspace"``: ``round(linspace(0, T-1, n))``; ``"leading"``: ``0, r, 2r, …`` with
    ``r = T // n``, plus ``steps_offset`` (which, as in diffusers, only "leading" reads);
    ``"trailing"``: ``round(T - j T/n) - 1``, j = 0..n-1.

    "trailing" always starts sampling at ``t = T``; "leading" at ``t = (n-1)·r + 1 + steps_offset``,
    below T unless ``n = T`` or the offset lifts it.  Refused: a "trailing" setting where diffusers
    lists ``n + 1`` timesteps ending at ``-1`` (T = 17, n = 7; at T = 1000, 62 of n = 1..1000), and
    an offset that lists index ``T``.
    """
    T, n = _check_count("T", T), _check_count("n", n)
    if n > T:
        raise ValueError(f"n = {n} inference steps exceed the T = {T} training steps")
    if spacing == "linspace":
        k = np.linspace(0, T - 1, n).round().astype(np.int64)
    elif spacing == "leading":
        if isinstance(steps_offset, bool) or not isinstance(steps_offset, int) or steps_offset < 0:
            raise ValueError(f"steps_offset must be a non-negative integer, got {steps_offset!r}")
        k = np.arange(0, n) * (T // n) + steps_offset
    elif spacing == "trailing":
        k = np.round(np.arange(T, 0, -T / n)).astype(np.int64)[::-1] - 1
        if k.size != n:
            # The float step T/n times n can fall short of T, so arange yields one more value,
            # ≈ 0, and diffusers lists n + 1 timesteps ending at -1 (alphas_cumprod[-1] = β̄_T).
            raise ValueError(f"diffusers' trailing spacing lists {k.size} timesteps for n = {n} at T = {T}, "
                             f"the last {k[0]}; there is no time t = {k[0] + 1}")
    else:
        raise ValueError(f"unknown spacing {spacing!r}; use one of {', '.join(DIFFUSERS_SPACINGS)}")
    if k[-1] > T - 1:
        raise ValueError(f"steps_offset = {steps_offset} puts a timestep past T - 1 = {T - 1}")
    return k + 1


def diffusers_ddim_previous(t, T: int, n: int) -> np.ndarray:
    """The time diffusers' ``DDIMScheduler.step`` goes to from time ``t`` (after ``set_timesteps(n)``):
    ``t - ⌊T/n⌋``, or 0 (``β̄_0 = 1``, its ``final_alpha_cumprod`` with ``set_alpha_to_one=True``)
    when that is below 1.

    It is not the next listed timestep wherever the list's gaps are not ``⌊T/n⌋``: with
    "trailing" and n not dividing T (T = 1000, n = 30: from t = 967 it goes to 934, while 933 is
    listed), so diffusers' DDIM then steps between times that differ from the list's.
    """
    T, n = _check_count("T", T), _check_count("n", n)
    return np.maximum(check_t(t, T) - T // n, 0)


def improved_diffusion_timesteps(T: int, section_counts) -> np.ndarray:
    """improved-diffusion's ``space_timesteps(T, section_counts)`` as 1-based times, ascending.

    ``section_counts`` is ``"ddimN"`` (the stride ``s`` with ``len(range(0, T, s)) == N``: steps
    ``0, s, 2s, …``), or counts per equal section of ``0..T-1`` (a list or ``"10,15,20"``), each
    section strided evenly with ``round`` (Python's, half to even) from its first to its last step.
    """
    T = _check_count("T", T)
    if isinstance(section_counts, str):
        if section_counts.startswith("ddim"):
            desired = _check_count("the ddim count", _int(section_counts[len("ddim"):]))
            for stride in range(1, T):
                if len(range(0, T, stride)) == desired:
                    return np.arange(0, T, stride) + 1
            raise ValueError(f"cannot create exactly {desired} steps from T = {T} with an integer stride")
        section_counts = [_int(c) for c in section_counts.split(",")]
    counts = [_check_count("a section count", c) for c in section_counts]
    if not counts:
        raise ValueError("section_counts is empty")
    size_per, extra = divmod(T, len(counts))
    start, steps = 0, set()
    for i, count in enumerate(counts):
        size = size_per + (1 if i < extra else 0)
        if size < count:
            raise ValueError(f"cannot divide a section of {size} steps into {count}")
        stride = 1 if count <= 1 else (size - 1) / (count - 1)
        position = 0.0
        for _ in range(count):
            steps.add(start + round(position))
            position += stride
        start += size
    return np.array(sorted(steps), dtype=np.int64) + 1


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an integer") from None


def ddim_repo_timesteps(T: int, n: int, skip_type: str = "uniform") -> np.ndarray:
    """The DDIM repository's ``seq`` (``runners/diffusion.py``, ``sample_image``) as 1-based times.

    Its ``seq`` holds 0-based steps; its ``compute_alpha`` reads ``ᾱ`` at ``seq + 1`` from
    ``[1, ᾱ_1, …, ᾱ_T]``, so its step ``k`` is time ``t = k + 1`` here.
    ``"uniform"``: ``range(0, T, T // n)`` — more than n steps when n does not divide T
    (T = 1000, n = 30 gives 31).  ``"quad"``: ``int(u²)`` for ``u`` evenly spaced on
    ``[0, √(0.8 T)]`` — repeats a step when steps are dense (T = 1000, n = 100 repeats t = 1);
    the repository then takes a step from ``t`` to ``t``, which leaves ``x`` unchanged at η = 0.
    Returned as the repository builds it, repeats included, ascending.
    """
    T, n = _check_count("T", T), _check_count("n", n)
    if skip_type == "uniform":
        if n > T:
            raise ValueError(f"n = {n} steps exceed T = {T}")
        return np.arange(0, T, T // n) + 1
    if skip_type == "quad":
        return np.array([int(u) for u in np.linspace(0, np.sqrt(T * 0.8), n) ** 2], dtype=np.int64) + 1
    raise ValueError(f"unknown skip_type {skip_type!r}; use one of {', '.join(DDIM_SKIP_TYPES)}")

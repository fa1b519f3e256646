"""Capture the schedules, timesteps and variances that diffusers and improved-diffusion compute,
as JSON, so tests/conventions_capture.json can test genverify.numeric.conventions against the
libraries themselves without installing them.

Run it in a throwaway environment, never in genverify's (torch is large and only needed here):

    python3 -m venv /tmp/conv-env
    /tmp/conv-env/bin/pip install "torch==2.13.0+cpu" diffusers numpy
    git clone https://github.com/openai/improved-diffusion /tmp/improved-diffusion   # not on PyPI
    /tmp/conv-env/bin/python scripts/capture_conventions.py \
        --improved-diffusion /tmp/improved-diffusion > tests/conventions_capture.json

diffusers builds its schedules in float32.  Each diffusers schedule is captured twice: as the
library returns it ("float32"), and with the library's own code run in float64 ("float64"): for
that run this process rebinds ``torch.float32`` to ``torch.float64`` and makes float64 torch's
default dtype, so diffusers' ``torch.linspace(..., dtype=torch.float32)`` and
``torch.tensor(betas, dtype=torch.float32)`` keep float64.  improved-diffusion computes its
schedules and posterior constants in NumPy float64 already.

Floats are written with ``repr`` (shortest round-tripping form), so the fixture is exact.
Arrays longer than 50 are kept at the indices ``_indices(T)`` only, to keep the fixture small.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

_FLOAT32 = torch.float32

#: (name, beta_start, beta_end) of each diffusers schedule captured; scaled_linear with Stable
#: Diffusion's endpoints, the others with DDPMScheduler's defaults.
DIFFUSERS_SCHEDULES = (("linear", 1e-4, 0.02), ("scaled_linear", 0.00085, 0.012),
                       ("squaredcos_cap_v2", 1e-4, 0.02), ("sigmoid", 1e-4, 0.02))
SCHEDULE_T = (1, 10, 1000)
#: (num_train_timesteps, num_inference_steps) for set_timesteps.
TIMESTEP_SETTINGS = ((1000, 50), (1000, 30), (1000, 7), (1000, 1), (10, 3), (10, 10), (20, 20), (50, 7),
                     (17, 7), (1000, 61))
SPACINGS = (("linspace", 0), ("leading", 0), ("leading", 1), ("trailing", 0))


def _indices(T: int) -> list[int]:
    if T <= 50:
        return list(range(T))
    return sorted(set(range(0, T, 37)) | {1, T - 2, T - 1})


def _floats(values, indices: list[int]) -> list[float]:
    a = np.asarray(values, dtype=np.float64)
    return [float(a[i]) for i in indices]


@contextlib.contextmanager
def _float64_everywhere():
    torch.float32 = torch.float64
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.float32 = _FLOAT32
        torch.set_default_dtype(_FLOAT32)


def _diffusers_schedules() -> list[dict]:
    from diffusers import DDPMScheduler

    out = []
    for name, start, end in DIFFUSERS_SCHEDULES:
        for T in SCHEDULE_T:
            idx = _indices(T)
            row = {"schedule": name, "T": T, "beta_start": start, "beta_end": end, "index": idx}
            for precision, context in (("float32", contextlib.nullcontext), ("float64", _float64_everywhere)):
                with context():
                    s = DDPMScheduler(num_train_timesteps=T, beta_schedule=name, beta_start=start, beta_end=end)
                    row[precision] = {"dtype": str(s.betas.dtype), "betas": _floats(s.betas.numpy(), idx),
                                      "alphas_cumprod": _floats(s.alphas_cumprod.numpy(), idx)}
                    if T > 1 and precision == "float64":
                        # previous_timestep(k) = k - 1 before set_timesteps; prev -1 reads alpha 1.
                        row["variance_fixed_small"] = _floats(
                            [float(s._get_variance(k, variance_type="fixed_small")) for k in range(T)], idx)
                        row["variance_fixed_large"] = _floats(
                            [float(s._get_variance(k, variance_type="fixed_large")) for k in range(T)], idx)
            out.append(row)
    return out


def _diffusers_timesteps() -> list[dict]:
    from diffusers import DDIMScheduler, DDPMScheduler

    out = []
    for T, n in TIMESTEP_SETTINGS:
        for spacing, offset in SPACINGS:
            row = {"T": T, "n": n, "spacing": spacing, "steps_offset": offset}
            for cls in (DDPMScheduler, DDIMScheduler):
                s = cls(num_train_timesteps=T, timestep_spacing=spacing, steps_offset=offset)
                s.set_timesteps(n)
                row[cls.__name__] = [int(k) for k in s.timesteps]
            out.append(row)
    # DDIMScheduler.step's previous timestep, read off its output: with ε̂ = 0, x_t = 1, η = 0 and
    # no clipping, x̂_0 = 1/√ᾱ_t and prev_sample = √(ᾱ_prev/ᾱ_t); the index of ᾱ_prev (ᾱ strictly
    # decreases) is the step's previous timestep, -1 for final_alpha_cumprod = 1.
    for T, n in ((1000, 30), (1000, 50), (17, 5)):
        with _float64_everywhere():
            s = DDIMScheduler(num_train_timesteps=T, timestep_spacing="trailing", clip_sample=False)
            s.set_timesteps(n)
            acp = np.concatenate(([1.0], s.alphas_cumprod.numpy()))
            previous = []
            for k in s.timesteps:
                ratio = s.step(torch.zeros(1), int(k), torch.ones(1), eta=0.0).prev_sample.item() ** 2
                previous.append(int(np.argmin(np.abs(acp - ratio * acp[int(k) + 1]))) - 1)
        out.append({"T": T, "n": n, "spacing": "trailing", "steps_offset": 0, "ddim_step": {
            "timesteps": [int(k) for k in s.timesteps], "previous": previous}})
    # DDPMScheduler after set_timesteps: each step's variance uses the previous *listed* timestep.
    for T, n, spacing in ((1000, 50, "leading"), (1000, 7, "trailing")):
        with _float64_everywhere():
            s = DDPMScheduler(num_train_timesteps=T, timestep_spacing=spacing)
            s.set_timesteps(n)
            ks = [int(k) for k in s.timesteps]
            out.append({"T": T, "n": n, "spacing": spacing, "steps_offset": 0, "respaced_variance": {
                "timesteps": ks,
                "fixed_small": [float(s._get_variance(k, variance_type="fixed_small")) for k in ks],
                "fixed_large": [float(s._get_variance(k, variance_type="fixed_large")) for k in ks]}})
    return out


def _improved_diffusion(root: Path) -> dict:
    sys.path.insert(0, str(root))
    from improved_diffusion import gaussian_diffusion as gd
    from improved_diffusion.respace import SpacedDiffusion, space_timesteps

    commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=False).stdout.strip() or None
    schedules = []
    for name, Ts in (("linear", (21, 50, 1000)), ("cosine", (1, 10, 1000))):
        for T in Ts:
            idx = _indices(T)
            schedules.append({"schedule": name, "T": T, "index": idx,
                              "betas": _floats(gd.get_named_beta_schedule(name, T), idx)})

    def diffusion(cls, var_type, **kwargs):
        return cls(model_mean_type=gd.ModelMeanType.EPSILON, model_var_type=var_type,
                   loss_type=gd.LossType.MSE, **kwargs)

    def model_variance(d, T):
        """The variance p_mean_variance uses at each index, with a model that predicts ε = 0."""
        x = torch.zeros(1, 1, dtype=torch.float64)
        return [float(d.p_mean_variance(lambda x_, t_: torch.zeros_like(x_), x, torch.tensor([k]),
                                        clip_denoised=False)["variance"].item()) for k in range(T)]

    T = 10
    betas = gd.get_named_beta_schedule("cosine", T)
    small = diffusion(gd.GaussianDiffusion, gd.ModelVarType.FIXED_SMALL, betas=betas)
    large = diffusion(gd.GaussianDiffusion, gd.ModelVarType.FIXED_LARGE, betas=betas)
    variances = {"schedule": "cosine", "T": T,
                 "posterior_variance": [float(v) for v in small.posterior_variance],
                 "posterior_log_variance_clipped": [float(v) for v in small.posterior_log_variance_clipped],
                 "fixed_small": model_variance(small, T), "fixed_large": model_variance(large, T)}

    spaced = []
    for T, counts in ((1000, "ddim50"), (1000, "10,15,20"), (100, "7"), (1000, "250")):
        use = space_timesteps(T, counts)
        d = diffusion(SpacedDiffusion, gd.ModelVarType.FIXED_SMALL, use_timesteps=use,
                      betas=gd.get_named_beta_schedule("linear", T))
        spaced.append({"T": T, "section_counts": counts, "schedule": "linear",
                       "timestep_map": [int(k) for k in d.timestep_map], "betas": [float(b) for b in d.betas]})
    return {"commit": commit, "schedules": schedules, "variances": variances, "spaced": spaced}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--improved-diffusion", type=Path,
                        help="a checkout of openai/improved-diffusion (it is not on PyPI)")
    args = parser.parse_args()
    import diffusers

    capture = {"versions": {"python": platform.python_version(), "numpy": np.__version__,
                            "torch": torch.__version__, "diffusers": diffusers.__version__},
               "diffusers": {"schedules": _diffusers_schedules(), "timesteps": _diffusers_timesteps()}}
    if args.improved_diffusion is not None:
        capture["improved_diffusion"] = _improved_diffusion(args.improved_diffusion)
    sys.stdout.write(_dumps(capture) + "\n")


def _dumps(value, indent: str = "") -> str:
    """JSON with one key per line and each list of numbers on one line (a reviewable diff)."""
    if isinstance(value, dict):
        inner = indent + " "
        items = ",\n".join(f"{inner}{json.dumps(k)}: {_dumps(v, inner)}" for k, v in value.items())
        return "{\n" + items + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        inner = indent + " "
        return "[\n" + ",\n".join(inner + _dumps(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value)


if __name__ == "__main__":
    main()

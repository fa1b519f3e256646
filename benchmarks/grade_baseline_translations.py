r"""Hand translations of the grading corpus for the naive baseline grader of ``bench_grade.py``.

Each answer of ``tests.grading_corpus.CORPUS`` (and each target's reference) as a TA would type it
into a CAS-based grader that knows nothing of diffusion notation (PrairieLearn symbolic input,
Moodle STACK): SymPy syntax, one independent variable per notation symbol.  The TA unifies only
pure renamings of one symbol:

- ``\bar\alpha_t``, ``\bar\beta_t``, ``\overline{\alpha}_t``, ``alphabar_t`` -> ``abar_t``;
  the same at ``t-1`` -> ``abar_tm1``;
- ``p_r(x)``, ``p_{data}(x)``, ``p_r`` -> ``p_r``; ``p_g(x)`` -> ``p_g``;
- ``s_\theta(x)``, ``s_\theta(x, \delta)`` -> ``s``; ``x_{known}``, ``x_\text{known}`` -> ``x_known``;
- ``\sigma_q(t)^2`` -> ``sigmaq2``; ``\mathrm{SNR}(t)`` -> ``snr_t``, ``\mathrm{SNR}(t-1)`` -> ``snr_tm1``.

Everything else stays unrelated, as it is to such a grader: ``\alpha_t`` -> ``alpha_t`` and
``\beta_t`` -> ``beta_t`` are free variables (it does not know α_t = 1 - β_t nor ᾱ_t = α_t ᾱ_{t-1}).
Products are OPAQUE VARIABLES, one per way of writing them: ``\prod_{i=1}^{t}(1-\beta_i)`` ->
``prod_t`` (``prod_tm1`` up to t-1), ``\prod_{s=1}^{t}\alpha_s`` -> ``prodalpha_t``,
``\prod_{i=1}^{t}\sqrt{1-\beta_i}`` -> ``prodsqrt_t``.  Divergences, integrals and expectations are
opaque functions: ``JSD(p, q)``, ``KL(p, q)``, ``Ex(f, p)`` (``E`` is Euler's number to SymPy), and
``Integral(f, x)`` (SymPy's own, over densities that are plain symbols).  ``\odot`` -> ``*``.
Invalid answers (an unknown symbol) translate literally: ``q(x)`` -> ``q``.
"""

REFERENCES = {
    "gan.optimal_discriminator": "p_r/(p_r + p_g)",
    "gan.generator_objective": "-log(4) + 2*JSD(p_r, p_g)",
    "diffusion.forward_mean_coef": "sqrt(abar_t)",
    "diffusion.forward_variance": "1 - abar_t",
    "diffusion.posterior_mean": "sqrt(abar_tm1)*beta_t/(1 - abar_t)*x_0 + sqrt(alpha_t)*(1 - abar_tm1)/(1 - abar_t)*x_t",
    "diffusion.posterior_variance": "beta_t*(1 - abar_tm1)/(1 - abar_t)",
    "diffusion.elbo_weight": "abar_tm1*beta_t**2/(2*sigmaq2*(1 - abar_t)**2)",
    "diffusion.conditional_score": "s - 2*(x - x_known)*M",
}

TRANSLATIONS = {
    # --- gan.optimal_discriminator
    r"\frac{p_r(x)}{p_r(x)+p_g(x)}": "p_r/(p_r + p_g)",
    r"p_r(x)/(p_r(x)+p_g(x))": "p_r/(p_r + p_g)",
    r"\frac{p_{data}(x)}{p_{data}(x)+p_g(x)}": "p_r/(p_r + p_g)",
    r"\frac{1}{1+\frac{p_g(x)}{p_r(x)}}": "1/(1 + p_g/p_r)",
    r"1 - \frac{p_g(x)}{p_r(x) + p_g(x)}": "1 - p_g/(p_r + p_g)",
    r"\dfrac{p_r}{p_g + p_r}": "p_r/(p_g + p_r)",
    r"\left(1 + p_g(x)/p_r(x)\right)^{-1}": "(1 + p_g/p_r)**(-1)",
    r"\frac{p_g(x)}{p_r(x)+p_g(x)}": "p_g/(p_r + p_g)",
    r"\frac{p_r(x)}{p_g(x)}": "p_r/p_g",
    r"\frac{1}{2}": "1/2",
    r"\frac{p_r(x)}{p_r(x)-p_g(x)}": "p_r/(p_r - p_g)",
    r"\frac{p_r(x)}{2(p_r(x)+p_g(x))}": "p_r/(2*(p_r + p_g))",
    r"p_r(x)": "p_r",
    r"\frac{p_r(x)}{p_r(x)+q(x)}": "p_r/(p_r + q)",
    # --- gan.generator_objective
    r"-\log 4 + 2\,\mathrm{JSD}(p_r\|p_g)": "-log(4) + 2*JSD(p_r, p_g)",
    r"2 JSD(p_r||p_g) - log(4)": "2*JSD(p_r, p_g) - log(4)",
    r"-2\log 2 + 2\,\mathrm{JSD}(p_{data}\|p_g)": "-2*log(2) + 2*JSD(p_r, p_g)",
    r"D_{KL}(p_r \| \frac{p_r+p_g}{2}) + D_{KL}(p_g \| \frac{p_r+p_g}{2}) - \log 4":
        "KL(p_r, (p_r + p_g)/2) + KL(p_g, (p_r + p_g)/2) - log(4)",
    r"\int p_r(x)\log\frac{p_r(x)}{p_r(x)+p_g(x)} + p_g(x)\log\frac{p_g(x)}{p_r(x)+p_g(x)}\,dx":
        "Integral(p_r*log(p_r/(p_r + p_g)) + p_g*log(p_g/(p_r + p_g)), x)",
    r"\mathbb{E}_{x\sim p_r}[\log\frac{p_r(x)}{p_r(x)+p_g(x)}] + \mathbb{E}_{x\sim p_g}[\log\frac{p_g(x)}{p_r(x)+p_g(x)}]":
        "Ex(log(p_r/(p_r + p_g)), p_r) + Ex(log(p_g/(p_r + p_g)), p_g)",
    r"2\,\mathrm{JSD}(p_g\|p_r) - \log 4": "2*JSD(p_g, p_r) - log(4)",
    r"2\,\mathrm{JSD}(p_r\|p_g)": "2*JSD(p_r, p_g)",
    r"-\log 4 + \mathrm{JSD}(p_r\|p_g)": "-log(4) + JSD(p_r, p_g)",
    r"\frac{1}{2}D_{KL}(p_r\|\frac{p_r+p_g}{2}) + \frac{1}{2}D_{KL}(p_g\|\frac{p_r+p_g}{2})":
        "KL(p_r, (p_r + p_g)/2)/2 + KL(p_g, (p_r + p_g)/2)/2",
    r"-\log 4 + 2 D_{KL}(p_r\|p_g)": "-log(4) + 2*KL(p_r, p_g)",
    r"\log 4 + 2\,\mathrm{JSD}(p_r\|p_g)": "log(4) + 2*JSD(p_r, p_g)",
    r"-\log 2 + 2\,\mathrm{JSD}(p_r\|p_g)": "-log(2) + 2*JSD(p_r, p_g)",
    # --- diffusion.forward_mean_coef
    r"\sqrt{\bar\alpha_t}": "sqrt(abar_t)",
    r"\sqrt{\bar{\beta}_t}": "sqrt(abar_t)",
    r"\prod_{i=1}^{t}\sqrt{1-\beta_i}": "prodsqrt_t",
    r"\sqrt{\prod_{s=1}^{t}\alpha_s}": "sqrt(prodalpha_t)",
    r"sqrt(alphabar_t)": "sqrt(abar_t)",
    r"\sqrt{(1-\beta_t)\bar\alpha_{t-1}}": "sqrt((1 - beta_t)*abar_tm1)",
    r"\sqrt{1-\beta_t}\sqrt{\overline{\alpha}_{t-1}}": "sqrt(1 - beta_t)*sqrt(abar_tm1)",
    r"\bar\alpha_t": "abar_t",
    r"\sqrt{\alpha_t}": "sqrt(alpha_t)",
    r"\sqrt{\bar\alpha_{t-1}}": "sqrt(abar_tm1)",
    r"\sqrt{1-\bar\alpha_t}": "sqrt(1 - abar_t)",
    r"\prod_{i=1}^{t}(1-\beta_i)": "prod_t",
    r"\sqrt{\beta_t}": "sqrt(beta_t)",
    # --- diffusion.forward_variance (\bar\alpha_t and \sqrt{1-\bar\alpha_t} are above)
    r"1-\bar\alpha_t": "1 - abar_t",
    r"1-\bar{\beta}_t": "1 - abar_t",
    r"1-\prod_{i=1}^{t}(1-\beta_i)": "1 - prod_t",
    r"1 - \prod_{s=1}^t \alpha_s": "1 - prodalpha_t",
    r"1-(1-\beta_t)\bar\alpha_{t-1}": "1 - (1 - beta_t)*abar_tm1",
    r"\beta_t + (1-\beta_t)(1-\bar\alpha_{t-1})": "beta_t + (1 - beta_t)*(1 - abar_tm1)",
    r"1 - alphabar_t": "1 - abar_t",
    r"1-\bar\alpha_{t-1}": "1 - abar_tm1",
    r"\beta_t": "beta_t",
    r"1-\alpha_t": "1 - alpha_t",
    r"(1-\bar\alpha_t)^2": "(1 - abar_t)**2",
    # --- diffusion.posterior_mean
    r"\frac{(1 - \bar{\beta}_{t-1})\sqrt{1 - \beta_t}}{1 - \bar{\beta}_t} x_t + \frac{\beta_t \sqrt{\bar{\beta}_{t-1}}}{1 - \bar{\beta}_t} x_0":
        "(1 - abar_tm1)*sqrt(1 - beta_t)/(1 - abar_t)*x_t + beta_t*sqrt(abar_tm1)/(1 - abar_t)*x_0",
    r"\frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0 + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t":
        "sqrt(abar_tm1)*beta_t/(1 - abar_t)*x_0 + sqrt(alpha_t)*(1 - abar_tm1)/(1 - abar_t)*x_t",
    r"sqrt(alphabar_{t-1})*beta_t/(1-alphabar_t)*x_0 + sqrt(alpha_t)*(1-alphabar_{t-1})/(1-alphabar_t)*x_t":
        "sqrt(abar_tm1)*beta_t/(1 - abar_t)*x_0 + sqrt(alpha_t)*(1 - abar_tm1)/(1 - abar_t)*x_t",
    r"\frac{\sqrt{\prod_{i=1}^{t-1}(1-\beta_i)}\,\beta_t x_0 + \sqrt{1-\beta_t}\,(1-\prod_{i=1}^{t-1}(1-\beta_i))\,x_t}{1-\prod_{i=1}^{t}(1-\beta_i)}":
        "(sqrt(prod_tm1)*beta_t*x_0 + sqrt(1 - beta_t)*(1 - prod_tm1)*x_t)/(1 - prod_t)",
    r"\frac{\sqrt{\bar\alpha_{t-1}}\beta_t x_0 + \sqrt{\alpha_t}(1-\bar\alpha_{t-1}) x_t}{1-\bar\alpha_t}":
        "(sqrt(abar_tm1)*beta_t*x_0 + sqrt(alpha_t)*(1 - abar_tm1)*x_t)/(1 - abar_t)",
    r"\frac{\sqrt{\bar\alpha_{t-1}}(1-\alpha_t)}{1-\bar\alpha_t}x_0 + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t":
        "sqrt(abar_tm1)*(1 - alpha_t)/(1 - abar_t)*x_0 + sqrt(alpha_t)*(1 - abar_tm1)/(1 - abar_t)*x_t",
    r"\frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0 + \frac{\alpha_t(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t":
        "sqrt(abar_tm1)*beta_t/(1 - abar_t)*x_0 + alpha_t*(1 - abar_tm1)/(1 - abar_t)*x_t",
    r"\frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_t + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_0":
        "sqrt(abar_tm1)*beta_t/(1 - abar_t)*x_t + sqrt(alpha_t)*(1 - abar_tm1)/(1 - abar_t)*x_0",
    r"\frac{\sqrt{\bar\alpha_{t}}\beta_t}{1-\bar\alpha_t}x_0 + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t})}{1-\bar\alpha_t}x_t":
        "sqrt(abar_t)*beta_t/(1 - abar_t)*x_0 + sqrt(alpha_t)*(1 - abar_t)/(1 - abar_t)*x_t",
    r"\frac{\bar\alpha_{t-1}\beta_t}{1-\bar\alpha_t}x_0 + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t":
        "abar_tm1*beta_t/(1 - abar_t)*x_0 + sqrt(alpha_t)*(1 - abar_tm1)/(1 - abar_t)*x_t",
    r"x_t": "x_t",
    r"\sqrt{\bar\alpha_t}x_0": "sqrt(abar_t)*x_0",
    # --- diffusion.posterior_variance (\beta_t and 1-\bar\alpha_t are above)
    r"\frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t": "(1 - abar_tm1)/(1 - abar_t)*beta_t",
    r"\frac{\beta_t(1-\bar\beta_{t-1})}{1-\bar\beta_t}": "beta_t*(1 - abar_tm1)/(1 - abar_t)",
    r"\frac{1}{\alpha_t/\beta_t + 1/(1-\bar\alpha_{t-1})}": "1/(alpha_t/beta_t + 1/(1 - abar_tm1))",
    r"\frac{(1-\alpha_t)(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}": "(1 - alpha_t)*(1 - abar_tm1)/(1 - abar_t)",
    r"beta_t*(1-alphabar_{t-1})/(1-alphabar_t)": "beta_t*(1 - abar_tm1)/(1 - abar_t)",
    r"\beta_t\frac{1-\prod_{i=1}^{t-1}\alpha_i}{1-\prod_{i=1}^{t}\alpha_i}": "beta_t*(1 - prodalpha_tm1)/(1 - prodalpha_t)",
    r"\frac{\beta_t(1-\bar\alpha_t)}{1-\bar\alpha_{t-1}}": "beta_t*(1 - abar_t)/(1 - abar_tm1)",
    r"\frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}": "(1 - abar_tm1)/(1 - abar_t)",
    r"\sqrt{\frac{\beta_t(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}}": "sqrt(beta_t*(1 - abar_tm1)/(1 - abar_t))",
    r"\frac{\beta_t}{1-\bar\alpha_t}": "beta_t/(1 - abar_t)",
    # --- diffusion.elbo_weight
    r"\frac{\bar\alpha_{t-1}\beta_t^2}{2\sigma_q(t)^2(1-\bar\alpha_t)^2}": "abar_tm1*beta_t**2/(2*sigmaq2*(1 - abar_t)**2)",
    r"\frac{1}{2\sigma_q(t)^2}\frac{\bar\beta_{t-1}\beta_t^2}{(1-\bar\beta_t)^2}":
        "1/(2*sigmaq2)*abar_tm1*beta_t**2/(1 - abar_t)**2",
    r"\frac{1}{2}(\mathrm{SNR}(t-1)-\mathrm{SNR}(t))": "(snr_tm1 - snr_t)/2",
    r"\frac12\left(\frac{\bar\alpha_{t-1}}{1-\bar\alpha_{t-1}} - \frac{\bar\alpha_t}{1-\bar\alpha_t}\right)":
        "(abar_tm1/(1 - abar_tm1) - abar_t/(1 - abar_t))/2",
    r"\frac{\bar\alpha_{t-1}\beta_t}{2(1-\bar\alpha_{t-1})(1-\bar\alpha_t)}": "abar_tm1*beta_t/(2*(1 - abar_tm1)*(1 - abar_t))",
    r"alphabar_{t-1}*beta_t**2/(2*sigma_q(t)^2*(1-alphabar_t)^2)": "abar_tm1*beta_t**2/(2*sigmaq2*(1 - abar_t)**2)",
    r"\frac{1}{2\sigma_q(t)^2}\frac{\beta_t\bar\beta_{t-1}}{(1-\bar\beta_t)^2}": "1/(2*sigmaq2)*beta_t*abar_tm1/(1 - abar_t)**2",
    r"-\frac{1}{2\sigma_q(t)^2}\frac{\beta_t\bar\beta_{t-1}}{(1-\bar\beta_t)^2}": "-1/(2*sigmaq2)*beta_t*abar_tm1/(1 - abar_t)**2",
    r"\frac{\bar\alpha_{t-1}\beta_t^2}{\sigma_q(t)^2(1-\bar\alpha_t)^2}": "abar_tm1*beta_t**2/(sigmaq2*(1 - abar_t)**2)",
    r"-\frac{\bar\alpha_{t-1}\beta_t^2}{2\sigma_q(t)^2(1-\bar\alpha_t)^2}": "-abar_tm1*beta_t**2/(2*sigmaq2*(1 - abar_t)**2)",
    r"\frac{1}{2}(\mathrm{SNR}(t)-\mathrm{SNR}(t-1))": "(snr_t - snr_tm1)/2",
    r"\frac{\beta_t^2}{2\sigma_q(t)^2}": "beta_t**2/(2*sigmaq2)",
    # --- diffusion.conditional_score
    r"s_\theta(x) - 2(x - x_{known})\odot M": "s - 2*(x - x_known)*M",
    r"-2((x - x_{known}) \odot M) + s_\theta(x, \delta)": "-2*((x - x_known)*M) + s",
    r"s_\theta(x) + 2 M\odot(x_{known} - x)": "s + 2*M*(x_known - x)",
    r"s_\theta(x) - 2M\odot x + 2M\odot x_{known}": "s - 2*M*x + 2*M*x_known",
    r"s_\theta(x)-2\,(x-x_\text{known})\odot M": "s - 2*(x - x_known)*M",
    r"s_\theta(x) - 2 M \odot (x - x_{known})": "s - 2*M*(x - x_known)",
    r"-2(x - x_{known})\odot M": "-2*(x - x_known)*M",
    r"s_\theta(x) - 2(x - x_{known})": "s - 2*(x - x_known)",
    r"s_\theta(x) + 2(x - x_{known})\odot M": "s + 2*(x - x_known)*M",
    r"s_\theta(x) - (x - x_{known})\odot M": "s - (x - x_known)*M",
    r"s_\theta(x)": "s",
    r"s_\theta(x) - 2(x_{known} - x)\odot M": "s - 2*(x_known - x)*M",
}

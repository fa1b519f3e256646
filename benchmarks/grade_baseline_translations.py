r"""Hand translations of the grading corpus for the naive baseline grader of ``bench_grade.py``.

Each answer of ``tests.grading_corpus.CORPUS`` (and each target's reference) as a TA would type it
into a CAS-based grader that knows nothing of diffusion notation (PrairieLearn symbolic input,
Moodle STACK): SymPy syntax, one independent variable per notation symbol.  The TA unifies only
pure renamings of one symbol:

- ``\bar\alpha_t``, ``\bar\beta_t``, ``\overline{\alpha}_t``, ``alphabar_t`` -> ``abar_t``;
  the same at ``t-1`` -> ``abar_tm1``;
- ``p_r(x)``, ``p_{data}(x)``, ``p_r`` -> ``p_r``; ``p_g(x)`` -> ``p_g``;
- ``s_\theta(x)``, ``s_\theta(x, \delta)`` -> ``s``; ``x_{known}``, ``x_\text{known}`` -> ``x_known``;
- ``\sigma_q(t)^2``, ``sigma_q(t)^2`` -> ``sigmaq2``; ``\mathrm{SNR}(t)`` -> ``snr_t``,
  ``\mathrm{SNR}(t-1)`` -> ``snr_tm1``;
- the score at ``x_t``, ``s_\theta(x_t)``, ``s_theta(x_t)``, and ``\nabla_x \log p(x)`` -> ``s`` (the
  targets' one score symbol, which they read each of these as);
- ``\mu_1``, ``\mu_2``, ``\sigma_1``, ``\sigma_2`` -> ``mu_1``, ``mu_2``, ``sigma_1``, ``sigma_2``:
  plain variables with no sign (the grader is not told σ > 0, so to it ``log(σ_2/σ_1)``,
  ``log σ_2 - log σ_1`` and ``-log(σ_1/σ_2)`` differ); ``\ln`` and ``\log`` -> ``log``;
- a decimal stays a decimal (``-0.5`` -> ``-0.5``); ``^`` -> ``**``; ``\cdot`` -> ``*``.

Everything else stays unrelated, as it is to such a grader: ``\alpha_t`` -> ``alpha_t`` and
``\beta_t`` -> ``beta_t`` are free variables (it does not know α_t = 1 - β_t nor ᾱ_t = α_t ᾱ_{t-1}),
and none has a sign (``sqrt(a/b)`` and ``sqrt(a)/sqrt(b)`` differ to it).
Products are OPAQUE VARIABLES, one per way of writing them: ``\prod_{i=1}^{t}(1-\beta_i)`` ->
``prod_t`` (``prod_tm1`` up to t-1), ``\prod_{s=1}^{t}\alpha_s`` -> ``prodalpha_t`` (``prodalpha_tm1``),
``\prod_{i=1}^{t}\sqrt{1-\beta_i}`` -> ``prodsqrt_t``.  Divergences, integrals and expectations are
opaque functions, their arguments in the order written (it does not know the JSD is symmetric):
``JSD(p, q)``, ``KL(p, q)``, ``Ex(f, p)`` (``E`` is Euler's number to SymPy), and
``Integral(f, x)`` (SymPy's own, over densities that are plain symbols).  ``\odot`` -> ``*``.
Invalid answers (an unknown symbol) translate literally: ``q(x)`` -> ``q``.  An answer the corpus
wraps in delimiters or after a name (``tests.grading_corpus.SURFACE_OF``) is given its original's
translation: the TA strips the wrapping before typing it in.
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
    "diffusion.likelihood_bound": "KL(p_r, p_g)",
    # issue 13's targets, as genverify/grading/targets.py states them (the ε-weight as Ho et al.'s
    # eq. 12 and the target's own text write it, with α_t for 1 - β_t, as the posterior mean above)
    "diffusion.dsm_target": "-(x_t - sqrt(abar_t)*x_0)/(1 - abar_t)",
    "diffusion.probability_flow_drift": "-beta_t*(x + s)/2",
    "gan.nonsaturating_divergence": "KL(p_g, p_r) - 2*JSD(p_r, p_g)",
    "diffusion.tweedie_x0": "(x_t + (1 - abar_t)*s)/sqrt(abar_t)",
    "diffusion.eps_weight": "beta_t**2/(2*sigmaq2*alpha_t*(1 - abar_t))",
    "diffusion.ddim_mean": "sqrt(abar_tm1)*x_0 + sqrt(1 - abar_tm1)*(x_t - sqrt(abar_t)*x_0)/sqrt(1 - abar_t)",
    "diffusion.gaussian_kl": "log(sigma_2/sigma_1) + (sigma_1**2 + (mu_1 - mu_2)**2)/(2*sigma_2**2) - 1/2",
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
    # --- diffusion.likelihood_bound
    r"D_{KL}(p_r\|p_g)": "KL(p_r, p_g)",
    r"KL(p_r||p_g)": "KL(p_r, p_g)",
    r"\int p_r \log \frac{p_r}{p_g} dx": "Integral(p_r*log(p_r/p_g), x)",
    r"E_{x \sim p_r}[\log p_r - \log p_g]": "Ex(log(p_r) - log(p_g), p_r)",
    r"-\int p_r(x) \log \frac{p_g(x)}{p_r(x)} dx": "-Integral(p_r*log(p_g/p_r), x)",
    r"\int p_r \log p_r dx - \int p_r \log p_g dx": "Integral(p_r*log(p_r), x) - Integral(p_r*log(p_g), x)",
    r"0": "0",
    r"D_{KL}(p_g\|p_r)": "KL(p_g, p_r)",
    r"-D_{KL}(p_r\|p_g)": "-KL(p_r, p_g)",
    r"\mathrm{JSD}(p_r\|p_g)": "JSD(p_r, p_g)",
    r"2 D_{KL}(p_r\|p_g)": "2*KL(p_r, p_g)",
    r"\int p_g \log \frac{p_r}{p_g} dx": "Integral(p_g*log(p_r/p_g), x)",
    # --- issue 11's forms (P_r, p_{model}, ... are pure renamings to a TA; a written-out product
    # is the same opaque product variable; a restated question is its own variable)
    r"\frac{P_r(x)}{P_r(x)+P_g(x)}": "p_r/(p_r + p_g)",
    r"\frac{P_g(x)}{P_r(x)+P_g(x)}": "p_g/(p_r + p_g)",
    r"\frac{p_{\rm data}(x)}{p_{\rm data}(x)+p_{model}(x)}": "p_r/(p_r + p_g)",
    r"\frac{p_{model}}{p_{data}+p_{model}}": "p_g/(p_r + p_g)",
    r"\frac{p_{real}}{p_{real}+p_{fake}}": "p_r/(p_r + p_g)",
    r"\frac{p_{real}}{p_{fake}}": "p_r/p_g",
    r"\frac{p_{data}}{p_{data}+p_G}": "p_r/(p_r + p_g)",
    r"\frac{p_G}{p_{data}}": "p_g/p_r",
    r"\frac{p_r}{p_r+p_g} + 10^{-20}": "p_r/(p_r + p_g) + 10**(-20)",
    r"D^*(x)": "D",
    r"D(x)": "D",
    r"\frac{p_r}{p_r+p_g} = \frac{1}{1+p_g/p_r}": "p_r/(p_r + p_g) = 1/(1 + p_g/p_r)",
    r"-\log 4 + 2\,JS(p_r, p_g)": "-log(4) + 2*JSD(p_r, p_g)",
    r"-\log 4 + JS(p_r, p_g)": "-log(4) + JSD(p_r, p_g)",
    r"2\mathrm{JS}(P_r\|P_g) - \log 4": "2*JSD(p_r, p_g) - log(4)",
    r"-\log 4 + 2\,\mathrm{JSD}\left(p_r \middle\| p_g\right)": "-log(4) + 2*JSD(p_r, p_g)",
    r"\log 4 + 2\,\mathrm{JSD}\left(p_r \middle\| p_g\right)": "log(4) + 2*JSD(p_r, p_g)",
    r"-\log 4 + 2 D_{JS}(p_{data}\|p_g)": "-log(4) + 2*JSD(p_r, p_g)",
    r"-\log 4 + 2 D_{KL}\left(p_r \middle\| p_g\right)": "-log(4) + 2*KL(p_r, p_g)",
    r"-\log 4 + 2\,\mathrm{JSD}(p_r\|p_g) + 10^{-20}": "-log(4) + 2*JSD(p_r, p_g) + 10**(-20)",
    r"\sqrt{\Pi_{i=1}^t \alpha_i}": "sqrt(prodalpha_t)",
    r"\Pi_{i=1}^t \alpha_i": "prodalpha_t",
    r"\sqrt{\prod\limits_{i=1}^{t}\alpha_i}": "sqrt(prodalpha_t)",
    r"\prod\limits_{i=1}^{t}\alpha_i": "prodalpha_t",
    r"\sqrt{\alpha_1\alpha_2\cdots\alpha_t}": "sqrt(prodalpha_t)",
    r"\sqrt{\alpha_1\alpha_2\cdots\alpha_{t-1}}": "sqrt(prodalpha_tm1)",
    r"\sqrt{(1-\beta_1)(1-\beta_2)\cdots(1-\beta_t)}": "sqrt(prod_t)",
    r"\sqrt{1-\beta_1}\sqrt{1-\beta_2}\cdots\sqrt{1-\beta_t}": "prodsqrt_t",
    r"sqrt(alpha_bar_t)": "sqrt(abar_t)",
    r"alpha_bar_t": "abar_t",
    "\\sqrt{\u03b1\u0304_t}": "sqrt(abar_t)",
    "\u03b1\u0304_t": "abar_t",
    r"\sqrt{\bar\alpha_t} + 10^{-20}": "sqrt(abar_t) + 10**(-20)",
    r"\sqrt{\bar\alpha_t}(1 + 10^{-30})": "sqrt(abar_t)*(1 + 10**(-30))",
    r"\sqrt{\bar\alpha_t} + \beta_t^{100}": "sqrt(abar_t) + beta_t**100",
    r"e^{e^{e^{e^{10}}}}": "exp(exp(exp(exp(10))))",
    r"(1-\bar\alpha_t)\mathbf{I}": "1 - abar_t",
    r"\bar\alpha_t\mathbf{I}": "abar_t",
    r"1 - \bar\alpha_t + \beta_t^{100}": "1 - abar_t + beta_t**100",
    r"1 - \bar\alpha_t + 10^{-25}": "1 - abar_t + 10**(-25)",
    r"1-alpha_bar_t": "1 - abar_t",
    r"1-alphabar_{t-1}": "1 - abar_tm1",
    r"1-\alpha_1\alpha_2\cdots\alpha_t": "1 - prodalpha_t",
    r"1-\alpha_1\alpha_2\cdots\alpha_{t-1}": "1 - prodalpha_tm1",
    "1-\u03b2\u0304_t": "1 - abar_t",
    "\u03b2\u0304_t": "abar_t",
    r"\frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}\mathbf{x}_0 + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}\mathbf{x}_t":
        "sqrt(abar_tm1)*beta_t/(1 - abar_t)*x_0 + sqrt(alpha_t)*(1 - abar_tm1)/(1 - abar_t)*x_t",
    r"\frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}\mathbf{x}_t + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}\mathbf{x}_0":
        "sqrt(abar_tm1)*beta_t/(1 - abar_t)*x_t + sqrt(alpha_t)*(1 - abar_tm1)/(1 - abar_t)*x_0",
    r"sqrt(alpha_bar_{t-1})*beta_t/(1-alpha_bar_t)*x_0 + sqrt(alpha_t)*(1-alpha_bar_{t-1})/(1-alpha_bar_t)*x_t":
        "sqrt(abar_tm1)*beta_t/(1 - abar_t)*x_0 + sqrt(alpha_t)*(1 - abar_tm1)/(1 - abar_t)*x_t",
    r"\frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0 + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t + 10^{-20}x_0":
        "sqrt(abar_tm1)*beta_t/(1 - abar_t)*x_0 + sqrt(alpha_t)*(1 - abar_tm1)/(1 - abar_t)*x_t + 10**(-20)*x_0",
    r"\sigma_q(t)^2": "sigmaq2",
    r"\tilde\beta_t": "sigmaq2",
    r"\tilde\sigma_t^2": "sigmaq2",
    r"\sigma_q^2": "sigmaq2",
    r"\frac{\sigma_q^2(1-\bar\alpha_t)}{1-\bar\alpha_t}": "sigmaq2*(1 - abar_t)/(1 - abar_t)",
    r"beta_t*(1-alpha_bar_{t-1})/(1-alpha_bar_t)": "beta_t*(1 - abar_tm1)/(1 - abar_t)",
    r"beta_t*(1-alpha_bar_t)/(1-alpha_bar_{t-1})": "beta_t*(1 - abar_t)/(1 - abar_tm1)",
    r"\frac{(1-\alpha_t)(1-\bar\alpha_{t-1})}{1-\bar\alpha_t} + \beta_t^{100}":
        "(1 - alpha_t)*(1 - abar_tm1)/(1 - abar_t) + beta_t**100",
    r"\frac{\bar\alpha_{t-1}\beta_t^2}{2\tilde\sigma_t^2(1-\bar\alpha_t)^2}": "abar_tm1*beta_t**2/(2*sigmaq2*(1 - abar_t)**2)",
    r"\frac{\bar\alpha_{t-1}\beta_t}{2\tilde\sigma_t^2(1-\bar\alpha_t)^2}": "abar_tm1*beta_t/(2*sigmaq2*(1 - abar_t)**2)",
    r"\frac{1}{2\sigma_q^2}\frac{\bar\alpha_{t-1}\beta_t^2}{(1-\bar\alpha_t)^2}": "1/(2*sigmaq2)*abar_tm1*beta_t**2/(1 - abar_t)**2",
    r"\frac{\bar\alpha_{t-1}\beta_t^2}{2\sigma_q^2(1-\bar\alpha_t)(1-\bar\alpha_t)}":
        "abar_tm1*beta_t**2/(2*sigmaq2*(1 - abar_t)*(1 - abar_t))",
    r"\frac{\bar\alpha_{t-1}\beta_t^2}{2\sigma_q^2(1-\bar\alpha_t)^2}": "abar_tm1*beta_t**2/(2*sigmaq2*(1 - abar_t)**2)",
    r"\frac{\bar\alpha_{t-1}\beta_t^2}{\sigma_q^2(1-\bar\alpha_t)(1-\bar\alpha_t)}":
        "abar_tm1*beta_t**2/(sigmaq2*(1 - abar_t)*(1 - abar_t))",
    r"\nabla_x \log p(x) - 2(x - x_{known})\odot M": "s - 2*(x - x_known)*M",
    r"\nabla_x \log p(x) + 2(x - x_{known})\odot M": "s + 2*(x - x_known)*M",
    r"\mathbf{s}_\theta(x) - 2(x - x_{known})\odot M": "s - 2*(x - x_known)*M",
    r"\mathbf{s}_\theta(x) - 2(x - x_{known})": "s - 2*(x - x_known)",
    r"\mathbf{s}_\theta(\mathbf{x}) - 2(\mathbf{x} - \mathbf{x}_{known})\odot \mathbf{M}": "s - 2*(x - x_known)*M",
    r"s_\theta(x) - 2(x - x_{known})\odot M + 10^{-20}": "s - 2*(x - x_known)*M + 10**(-20)",
    r"KL\left(p_r \middle\| p_g\right)": "KL(p_r, p_g)",
    r"KL\left(p_g \middle\| p_r\right)": "KL(p_g, p_r)",
    r"D_{KL}(P_r\|P_g)": "KL(p_r, p_g)",
    r"JS(p_r, p_g)": "JSD(p_r, p_g)",
    r"\mathrm{KL}(p_r \| p_g) + 10^{-20}": "KL(p_r, p_g) + 10**(-20)",
    # --- diffusion.dsm_target
    r"-\frac{x_t - \sqrt{\bar\alpha_t} x_0}{1 - \bar\alpha_t}": "-(x_t - sqrt(abar_t)*x_0)/(1 - abar_t)",
    r"\frac{\sqrt{\bar\alpha_t}x_0 - x_t}{1-\bar\alpha_t}": "(sqrt(abar_t)*x_0 - x_t)/(1 - abar_t)",
    r"-(x_t - \sqrt{\bar\beta_t} x_0)/(1 - \bar\beta_t)": "-(x_t - sqrt(abar_t)*x_0)/(1 - abar_t)",
    r"\frac{\sqrt{\prod_{i=1}^t \alpha_i}\, x_0 - x_t}{1 - \prod_{i=1}^t \alpha_i}":
        "(sqrt(prodalpha_t)*x_0 - x_t)/(1 - prodalpha_t)",
    r"-\frac{x_t}{1-\bar\alpha_t} + \frac{\sqrt{\bar\alpha_t}}{1-\bar\alpha_t} x_0":
        "-x_t/(1 - abar_t) + sqrt(abar_t)/(1 - abar_t)*x_0",
    r"\frac{\sqrt{\bar\alpha_t} x_0 - x_t}{\sqrt{1-\bar\alpha_t}\sqrt{1-\bar\alpha_t}}":
        "(sqrt(abar_t)*x_0 - x_t)/(sqrt(1 - abar_t)*sqrt(1 - abar_t))",
    r"\frac{x_t - \sqrt{\bar\alpha_t} x_0}{1 - \bar\alpha_t}": "(x_t - sqrt(abar_t)*x_0)/(1 - abar_t)",
    r"-\frac{x_t - \sqrt{\bar\alpha_t} x_0}{\sqrt{1 - \bar\alpha_t}}": "-(x_t - sqrt(abar_t)*x_0)/sqrt(1 - abar_t)",
    r"-\frac{x_t - x_0}{1 - \bar\alpha_t}": "-(x_t - x_0)/(1 - abar_t)",
    r"-\frac{x_t - \bar\alpha_t x_0}{1 - \bar\alpha_t}": "-(x_t - abar_t*x_0)/(1 - abar_t)",
    r"-\frac{x_t - \sqrt{\bar\alpha_t} x_0}{\bar\alpha_t}": "-(x_t - sqrt(abar_t)*x_0)/abar_t",
    r"-(x_t - \sqrt{\bar\alpha_{t-1}} x_0)/(1-\bar\alpha_{t-1})": "-(x_t - sqrt(abar_tm1)*x_0)/(1 - abar_tm1)",
    # --- diffusion.probability_flow_drift (β_t stands for β(t), s_θ(x) and ∇_x log p(x) for the score)
    r"-\frac{1}{2}\beta_t (x + s_\theta(x))": "-1/2*beta_t*(x + s)",
    r"-\frac{\beta_t}{2}x - \frac{\beta_t}{2}s_\theta(x)": "-beta_t/2*x - beta_t/2*s",
    r"-0.5 \beta_t (x + s_\theta(x))": "-0.5*beta_t*(x + s)",
    r"-\frac{1}{2}(1-\alpha_t)(x + s_\theta(x))": "-1/2*(1 - alpha_t)*(x + s)",
    r"-\frac{\beta_t x + \beta_t s_\theta(x)}{2}": "-(beta_t*x + beta_t*s)/2",
    r"-\frac{1}{2}\beta_t x - \frac{1}{2}\beta_t \nabla_x \log p(x)": "-1/2*beta_t*x - 1/2*beta_t*s",
    r"-\beta_t\left(\frac{x}{2} + s_\theta(x)\right)": "-beta_t*(x/2 + s)",
    r"-\frac{1}{2}\beta_t (x - s_\theta(x))": "-1/2*beta_t*(x - s)",
    r"-\beta_t \left(x + \frac{1}{2} s_\theta(x)\right)": "-beta_t*(x + 1/2*s)",
    r"-\frac{1}{2}\beta_t x": "-1/2*beta_t*x",
    r"\frac{1}{2}\beta_t (x + s_\theta(x))": "1/2*beta_t*(x + s)",
    r"-\frac{1}{2}\sqrt{\beta_t} (x + s_\theta(x))": "-1/2*sqrt(beta_t)*(x + s)",
    # --- gan.nonsaturating_divergence (2\,\mathrm{JSD}(p_r\|p_g) and D_{KL}(p_g\|p_r) are above)
    r"D_{KL}(p_g\|p_r) - 2\,\mathrm{JSD}(p_g\|p_r)": "KL(p_g, p_r) - 2*JSD(p_g, p_r)",
    r"KL(p_g||p_r) - 2 JSD(p_r||p_g)": "KL(p_g, p_r) - 2*JSD(p_r, p_g)",
    r"\mathrm{KL}(p_g \| p_{data}) - 2\,\mathrm{JSD}(p_{data} \| p_g)": "KL(p_g, p_r) - 2*JSD(p_r, p_g)",
    r"\int p_g \log\frac{p_g}{p_r} dx - 2\,\mathrm{JSD}(p_r\|p_g)": "Integral(p_g*log(p_g/p_r), x) - 2*JSD(p_r, p_g)",
    r"E_{x \sim p_g}[\log p_g - \log p_r] - 2 JSD(p_g||p_r)": "Ex(log(p_g) - log(p_r), p_g) - 2*JSD(p_g, p_r)",
    r"D_{KL}(p_g\|p_r) - D_{KL}(p_r\|\frac{p_r+p_g}{2}) - D_{KL}(p_g\|\frac{p_r+p_g}{2})":
        "KL(p_g, p_r) - KL(p_r, (p_r + p_g)/2) - KL(p_g, (p_r + p_g)/2)",
    r"D_{KL}(p_g\|p_r) + 2\,\mathrm{JSD}(p_g\|p_r)": "KL(p_g, p_r) + 2*JSD(p_g, p_r)",
    r"D_{KL}(p_r\|p_g) - 2\,\mathrm{JSD}(p_g\|p_r)": "KL(p_r, p_g) - 2*JSD(p_g, p_r)",
    r"D_{KL}(p_g\|p_r) - \mathrm{JSD}(p_g\|p_r)": "KL(p_g, p_r) - JSD(p_g, p_r)",
    r"-2\,\mathrm{JSD}(p_g\|p_r)": "-2*JSD(p_g, p_r)",
    # --- diffusion.tweedie_x0 (s_θ(x_t) is the score s)
    r"\frac{x_t + (1-\bar\alpha_t) s_\theta(x_t)}{\sqrt{\bar\alpha_t}}": "(x_t + (1 - abar_t)*s)/sqrt(abar_t)",
    r"(x_t + (1-alphabar_t)*s_theta(x_t))/sqrt(alphabar_t)": "(x_t + (1 - abar_t)*s)/sqrt(abar_t)",
    r"\frac{1}{\sqrt{\bar\beta_t}}x_t + \frac{1-\bar\beta_t}{\sqrt{\bar\beta_t}} s_\theta(x_t)":
        "1/sqrt(abar_t)*x_t + (1 - abar_t)/sqrt(abar_t)*s",
    r"\frac{x_t}{\sqrt{\bar\alpha_t}} + \frac{(1-\bar\alpha_t)\, s_\theta(x_t)}{\sqrt{\bar\alpha_t}}":
        "x_t/sqrt(abar_t) + (1 - abar_t)*s/sqrt(abar_t)",
    r"\bar\alpha_t^{-1/2}\left(x_t + (1-\bar\alpha_t)s_\theta(x_t)\right)": "abar_t**(-1/2)*(x_t + (1 - abar_t)*s)",
    r"\frac{x_t - \sqrt{1-\bar\alpha_t}\,(-\sqrt{1-\bar\alpha_t}\,s_\theta(x_t))}{\sqrt{\bar\alpha_t}}":
        "(x_t - sqrt(1 - abar_t)*(-sqrt(1 - abar_t)*s))/sqrt(abar_t)",
    r"\frac{x_t + s_\theta(x_t)}{\sqrt{\bar\alpha_t}}": "(x_t + s)/sqrt(abar_t)",
    r"\frac{x_t + \sqrt{1-\bar\alpha_t}\, s_\theta(x_t)}{\sqrt{\bar\alpha_t}}": "(x_t + sqrt(1 - abar_t)*s)/sqrt(abar_t)",
    r"\frac{x_t + (1-\bar\alpha_t) s_\theta(x_t)}{\bar\alpha_t}": "(x_t + (1 - abar_t)*s)/abar_t",
    r"\frac{x_t - (1-\bar\alpha_t) s_\theta(x_t)}{\sqrt{\bar\alpha_t}}": "(x_t - (1 - abar_t)*s)/sqrt(abar_t)",
    r"x_t + (1-\bar\alpha_t) s_\theta(x_t)": "x_t + (1 - abar_t)*s",
    r"\frac{x_t + \beta_t s_\theta(x_t)}{\sqrt{\alpha_t}}": "(x_t + beta_t*s)/sqrt(alpha_t)",
    # --- diffusion.eps_weight (the x_0-weight is above, under diffusion.elbo_weight)
    r"\frac{\beta_t^2}{2\sigma_q(t)^2\alpha_t(1-\bar\alpha_t)}": "beta_t**2/(2*sigmaq2*alpha_t*(1 - abar_t))",
    r"\frac{\beta_t}{2\alpha_t(1-\bar\alpha_{t-1})}": "beta_t/(2*alpha_t*(1 - abar_tm1))",
    r"\frac{\beta_t^2}{2\sigma_q(t)^2(1-\beta_t)(1-\bar\beta_t)}": "beta_t**2/(2*sigmaq2*(1 - beta_t)*(1 - abar_t))",
    r"\frac{1-\bar\alpha_t}{\bar\alpha_t}\cdot\frac{\bar\alpha_{t-1}\beta_t^2}{2\sigma_q(t)^2(1-\bar\alpha_t)^2}":
        "(1 - abar_t)/abar_t*abar_tm1*beta_t**2/(2*sigmaq2*(1 - abar_t)**2)",
    r"\frac{\mathrm{SNR}(t-1)-\mathrm{SNR}(t)}{2\,\mathrm{SNR}(t)}": "(snr_tm1 - snr_t)/(2*snr_t)",
    r"beta_t**2/(2*sigma_q(t)^2*alpha_t*(1-alphabar_t))": "beta_t**2/(2*sigmaq2*alpha_t*(1 - abar_t))",
    r"1": "1",
    r"\frac{\beta_t^2}{2\sigma_q(t)^2(1-\bar\alpha_t)}": "beta_t**2/(2*sigmaq2*(1 - abar_t))",
    r"\frac{\beta_t}{2\sigma_q(t)^2\alpha_t(1-\bar\alpha_t)}": "beta_t/(2*sigmaq2*alpha_t*(1 - abar_t))",
    r"\frac{\beta_t^2}{\sigma_q(t)^2\alpha_t(1-\bar\alpha_t)}": "beta_t**2/(sigmaq2*alpha_t*(1 - abar_t))",
    r"\frac{\beta_t}{2\alpha_t(1-\bar\alpha_t)}": "beta_t/(2*alpha_t*(1 - abar_t))",
    # --- diffusion.ddim_mean
    r"\sqrt{\bar\alpha_{t-1}}x_0 + \sqrt{1-\bar\alpha_{t-1}}\frac{x_t-\sqrt{\bar\alpha_t}x_0}{\sqrt{1-\bar\alpha_t}}":
        "sqrt(abar_tm1)*x_0 + sqrt(1 - abar_tm1)*(x_t - sqrt(abar_t)*x_0)/sqrt(1 - abar_t)",
    r"sqrt(alphabar_{t-1})*x_0 + sqrt(1-alphabar_{t-1})*(x_t - sqrt(alphabar_t)*x_0)/sqrt(1-alphabar_t)":
        "sqrt(abar_tm1)*x_0 + sqrt(1 - abar_tm1)*(x_t - sqrt(abar_t)*x_0)/sqrt(1 - abar_t)",
    r"\frac{\sqrt{1-\bar\alpha_{t-1}}}{\sqrt{1-\bar\alpha_t}}x_t + \left(\sqrt{\bar\alpha_{t-1}} - "
    r"\frac{\sqrt{1-\bar\alpha_{t-1}}\sqrt{\bar\alpha_t}}{\sqrt{1-\bar\alpha_t}}\right)x_0":
        "sqrt(1 - abar_tm1)/sqrt(1 - abar_t)*x_t + (sqrt(abar_tm1) - sqrt(1 - abar_tm1)*sqrt(abar_t)/sqrt(1 - abar_t))*x_0",
    r"\sqrt{\bar\alpha_{t-1}}x_0 + \sqrt{\frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}}(x_t - \sqrt{\bar\alpha_t}x_0)":
        "sqrt(abar_tm1)*x_0 + sqrt((1 - abar_tm1)/(1 - abar_t))*(x_t - sqrt(abar_t)*x_0)",
    r"\sqrt{\bar\beta_{t-1}}\,x_0+\sqrt{1-\bar\beta_{t-1}}\,\frac{x_t-\sqrt{\bar\beta_t}\,x_0}{\sqrt{1-\bar\beta_t}}":
        "sqrt(abar_tm1)*x_0 + sqrt(1 - abar_tm1)*(x_t - sqrt(abar_t)*x_0)/sqrt(1 - abar_t)",
    r"\sqrt{\bar\alpha_{t-1}}x_0 + \frac{\sqrt{1-\bar\alpha_{t-1}}}{\sqrt{1-\bar\alpha_t}}(x_t - \sqrt{\bar\alpha_t}x_0)":
        "sqrt(abar_tm1)*x_0 + sqrt(1 - abar_tm1)/sqrt(1 - abar_t)*(x_t - sqrt(abar_t)*x_0)",
    r"\sqrt{\prod_{i=1}^{t-1}\alpha_i}\,x_0 + \sqrt{1-\bar\alpha_{t-1}}\frac{x_t-\sqrt{\bar\alpha_t}x_0}{\sqrt{1-\bar\alpha_t}}":
        "sqrt(prodalpha_tm1)*x_0 + sqrt(1 - abar_tm1)*(x_t - sqrt(abar_t)*x_0)/sqrt(1 - abar_t)",
    r"\frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t + \frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0":
        "sqrt(alpha_t)*(1 - abar_tm1)/(1 - abar_t)*x_t + sqrt(abar_tm1)*beta_t/(1 - abar_t)*x_0",
    r"\sqrt{\bar\alpha_{t-1}}x_0 + (1-\bar\alpha_{t-1})\frac{x_t-\sqrt{\bar\alpha_t}x_0}{\sqrt{1-\bar\alpha_t}}":
        "sqrt(abar_tm1)*x_0 + (1 - abar_tm1)*(x_t - sqrt(abar_t)*x_0)/sqrt(1 - abar_t)",
    r"\sqrt{\bar\alpha_{t-1}}x_0 + \sqrt{1-\bar\alpha_{t-1}}(x_t-\sqrt{\bar\alpha_t}x_0)":
        "sqrt(abar_tm1)*x_0 + sqrt(1 - abar_tm1)*(x_t - sqrt(abar_t)*x_0)",
    r"\sqrt{\bar\alpha_t}x_0 + \sqrt{1-\bar\alpha_{t-1}}\frac{x_t-\sqrt{\bar\alpha_t}x_0}{\sqrt{1-\bar\alpha_t}}":
        "sqrt(abar_t)*x_0 + sqrt(1 - abar_tm1)*(x_t - sqrt(abar_t)*x_0)/sqrt(1 - abar_t)",
    r"\sqrt{\bar\alpha_{t-1}}x_0 + \sqrt{1-\bar\alpha_{t-1}}\frac{x_t-\sqrt{\bar\alpha_{t-1}}x_0}{\sqrt{1-\bar\alpha_{t-1}}}":
        "sqrt(abar_tm1)*x_0 + sqrt(1 - abar_tm1)*(x_t - sqrt(abar_tm1)*x_0)/sqrt(1 - abar_tm1)",
    r"\frac{x_t - \sqrt{1-\bar\alpha_t}\,x_0}{\sqrt{\bar\alpha_t}}": "(x_t - sqrt(1 - abar_t)*x_0)/sqrt(abar_t)",
    # --- diffusion.gaussian_kl (σ_1, σ_2 carry no sign for the naive grader)
    r"\log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12":
        "log(sigma_2/sigma_1) + (sigma_1**2 + (mu_1 - mu_2)**2)/(2*sigma_2**2) - 1/2",
    r"log(sigma_2/sigma_1) + (sigma_1^2 + (mu_1 - mu_2)^2)/(2*sigma_2^2) - 1/2":
        "log(sigma_2/sigma_1) + (sigma_1**2 + (mu_1 - mu_2)**2)/(2*sigma_2**2) - 1/2",
    r"\ln\sigma_2 - \ln\sigma_1 + \frac{\sigma_1^2+(\mu_1-\mu_2)^2}{2\sigma_2^2}-\frac{1}{2}":
        "log(sigma_2) - log(sigma_1) + (sigma_1**2 + (mu_1 - mu_2)**2)/(2*sigma_2**2) - 1/2",
    r"\frac{1}{2}\left(\log\frac{\sigma_2^2}{\sigma_1^2} + \frac{\sigma_1^2}{\sigma_2^2} + "
    r"\frac{(\mu_1-\mu_2)^2}{\sigma_2^2} - 1\right)":
        "(log(sigma_2**2/sigma_1**2) + sigma_1**2/sigma_2**2 + (mu_1 - mu_2)**2/sigma_2**2 - 1)/2",
    r"\log\sigma_2 - \log\sigma_1 + \frac{(\mu_2-\mu_1)^2 + \sigma_1^2 - \sigma_2^2}{2\sigma_2^2}":
        "log(sigma_2) - log(sigma_1) + ((mu_2 - mu_1)**2 + sigma_1**2 - sigma_2**2)/(2*sigma_2**2)",
    r"-\log\frac{\sigma_1}{\sigma_2} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12":
        "-log(sigma_1/sigma_2) + (sigma_1**2 + (mu_1 - mu_2)**2)/(2*sigma_2**2) - 1/2",
    r"\log\frac{\sigma_1}{\sigma_2} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12":
        "log(sigma_1/sigma_2) + (sigma_1**2 + (mu_1 - mu_2)**2)/(2*sigma_2**2) - 1/2",
    r"\log\frac{\sigma_2^2}{\sigma_1^2} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12":
        "log(sigma_2**2/sigma_1**2) + (sigma_1**2 + (mu_1 - mu_2)**2)/(2*sigma_2**2) - 1/2",
    r"\log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2}":
        "log(sigma_2/sigma_1) + (sigma_1**2 + (mu_1 - mu_2)**2)/(2*sigma_2**2)",
    r"\log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_1^2} - \frac12":
        "log(sigma_2/sigma_1) + (sigma_1**2 + (mu_1 - mu_2)**2)/(2*sigma_1**2) - 1/2",
    r"\log\frac{\sigma_1}{\sigma_2} + \frac{\sigma_2^2 + (\mu_1-\mu_2)^2}{2\sigma_1^2} - \frac{1}{2}":
        "log(sigma_1/sigma_2) + (sigma_2**2 + (mu_1 - mu_2)**2)/(2*sigma_1**2) - 1/2",
    r"\frac{(\mu_1-\mu_2)^2}{2\sigma_2^2}": "(mu_1 - mu_2)**2/(2*sigma_2**2)",
}

#!/usr/bin/env python3
"""libs/analytics' forecasting models checked against statsmodels.

Run by ctest as analytics_forecast_reference_test (label unit) with the
venv of deploy/local/setup.sh:

    .cache/venv/bin/python libs/analytics/reference/forecast_reference.py \
        --tool build/tests/forecast_reference --work /tmp/forecast_reference

Series are generated with a fixed numpy seed; each is written to a CSV file,
fitted by the C++ tool forecast_reference (which prints JSON) and by
statsmodels 0.14, and the two must agree. What is compared, and within what
(docs/ANALYTICS.md, "Forecasts checked against statsmodels"):

  1e-6 relative, the same computation done independently:
  - initial states: our least-squares initialisation recomputed here with
    numpy.linalg.lstsq (relative to the series' mean);
  - Holt-Winters with fixed weights (every trend and seasonality), given to
    statsmodels' ExponentialSmoothing as initialization_method='known' with
    our initial states: one-step fitted values, SSE, point forecasts (at
    h = 12 from statsmodels' own final states: its forecast() takes a
    season-old seasonal state there, statsmodels issue #9538);
  - additive seasonality: forecast standard errors σ_h against ETSModel's
    (error='add'), the same model in state-space form with β_ETS = αβ; its
    σ² is SSE/n and ours SSE/(n - p - q) (holt_winters.h), so σ_h/σ is
    compared, and ETSModel's SSE against ours;
  - multiplicative seasonality: the first month's interval against
    ŷ ± z σ, the later months' simulated intervals against statsmodels'
    HoltWintersResults.simulate fed the very same errors (σ × our standard
    normal draws) and the same quantile rule (numpy's linear). statsmodels'
    simulate applies smoothing_trend as the state-space weight while its
    smoother uses it as Holt's β, so αβ is handed to simulate;
  - seasonal naive: ETSModel(A,N,A) with α = 1e-12, γ = 1 - 1e-12 (statsmodels
    gives NaN for α = 0 exactly; the 1e-12 moves nothing at 1e-6), the first
    year as its known states: point forecasts and σ_h/σ; σ² against its
    SSE/(n - 12); naive (the fallback) against ETSModel(A,N,N), α = 1 - 1e-12.
  - regression on visits, prescriptions and last month's sales
    (regression_forecast.h): the same regression fitted by statsmodels' OLS
    (y_t on 1, the columns at t and y_{t-1}, t = 2..n): coefficients, σ,
    the fitted values, and at h = 1 the point forecast and the interval
    against get_prediction(...).summary_frame's obs_ci (Student t, with the
    coefficients' uncertainty); for h > 1 the recursive points and the
    stated variance σ² Σ_{i<h} φ^{2i} + r_h' V r_h recomputed from
    statsmodels' params and cov_params().

  Stated tolerances, where the algorithms differ:
  - fitted weights: statsmodels searches a grid then L-BFGS-B, we a grid then
    Levenberg-Marquardt (holt_winters.h); the SSE surface is flat near its
    minimum and has local minima, so the weights may differ while the fits
    are equally good. Required: our SSE at most 0.1 % above statsmodels'
    (below is allowed: then statsmodels stopped higher), and where the two
    SSEs are within 0.1 % of each other, point forecasts within 1 %.

Exit status 0 when every comparison holds; the table of maximum differences
is printed either way.
"""

import argparse
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.holtwinters import ExponentialSmoothing
from scipy.stats import norm
from scipy.stats import t as student_t

SEED = 20260301
M = 12
LEVEL = 0.8
HORIZON = 15  # past a season, so the seasonal terms of the variance show
EXACT = 1e-6
FIT_SSE_EXCESS = 1e-3
FIT_FORECAST = 0.01
FIXED = {"alpha": 0.35, "beta": 0.12, "gamma": 0.25, "phi": 0.9}
PATHS = 2000
TINY = 1e-12


def series_cases(rng):
    """Named positive series with trend, seasonality and noise."""
    cases = []
    t = np.arange(36)
    season = 30 * np.sin(2 * np.pi * t / M) + 12 * np.cos(4 * np.pi * t / M)
    cases.append(("trend, additive season, 36 months",
                  200 + 2.5 * t + season + rng.normal(0, 8, 36)))
    t30 = np.arange(30)
    cases.append(("levelling-off trend, 30 months",
                  300 + 40 * (1 - 0.9 ** t30) + 25 * np.sin(2 * np.pi * t30 / M)
                  + rng.normal(0, 6, 30)))
    cases.append(("trend, multiplicative season, 36 months",
                  (400 + 4 * t) * (1 + 0.25 * np.sin(2 * np.pi * t / M)
                                   + 0.1 * np.cos(4 * np.pi * t / M))
                  + rng.normal(0, 10, 36)))
    t18 = np.arange(18)
    cases.append(("short, 18 months",
                  150 + 1.5 * t18 + 20 * np.sin(2 * np.pi * t18 / M) + rng.normal(0, 5, 18)))
    t24 = np.arange(24)
    cases.append(("noisy, no trend, 24 months",
                  80 + 10 * np.sin(2 * np.pi * t24 / M) + rng.normal(0, 10, 24)))
    for name, y in cases:
        assert np.all(y > 0), name
    return cases


class Report:
    """The largest difference seen per quantity, against its tolerance."""

    def __init__(self):
        self.rows = {}
        self.failures = []

    def check(self, quantity, difference, tolerance, where):
        difference = float(difference)
        best = self.rows.get(quantity)
        if best is None or difference > best[0] or np.isnan(difference):
            self.rows[quantity] = (difference, tolerance, where)
        if not difference <= tolerance:
            self.failures.append(f"{quantity}: {difference:.3g} > {tolerance:g} ({where})")

    def print(self):
        width = max(len(q) for q in self.rows)
        print(f"{'quantity':<{width}}  {'max difference':>14}  {'tolerance':>9}  worst case")
        for quantity, (difference, tolerance, where) in self.rows.items():
            print(f"{quantity:<{width}}  {difference:>14.3e}  {tolerance:>9.0e}  {where}")


def rel(ours, theirs):
    """Largest |ours - theirs| / |theirs|."""
    ours = np.asarray(ours, dtype=float)
    theirs = np.asarray(theirs, dtype=float)
    return float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-300)))


def run_tool(tool, work, name, y, exogenous=None, **flags):
    path = os.path.join(work, name.replace(" ", "_").replace(",", "") + ".csv")
    if exogenous is not None:
        x_path = path[:-4] + ".exogenous.csv"
        with open(x_path, "w", encoding="utf-8") as out:
            out.write(",".join(exogenous) + "\n")
            for row in zip(*exogenous.values()):
                out.write(",".join(repr(float(v)) for v in row) + "\n")
        flags["exogenous"] = x_path
    with open(path, "w", encoding="utf-8") as out:
        out.write("# " + name + "\n")
        out.write("\n".join(repr(float(v)) for v in y) + "\n")
    args = [tool, f"--series={path}"]
    for key, value in flags.items():
        if isinstance(value, bool):
            args.append(f"--{key}" if value else f"--no{key}")
        else:
            args.append(f"--{key}={value}")
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr}")
    return json.loads(done.stdout)


def initial_states(y, seasonality, trend):
    """holt_winters.h's initial states, computed independently: least squares
    of y_t on 1, t (with a trend) and sum-to-zero seasonal effects over the
    first two seasons."""
    y = np.asarray(y[:2 * M], dtype=float)
    n = len(y)
    t = np.arange(1, n + 1)
    columns = [np.ones(n)]
    if trend != "none":
        columns.append(t.astype(float))
    position = np.arange(n) % M
    for j in range(M - 1):
        columns.append((position == j).astype(float) - (position == M - 1).astype(float))
    coefficients = np.linalg.lstsq(np.column_stack(columns), y, rcond=None)[0]
    l0 = coefficients[0]
    b0 = coefficients[1] if trend != "none" else 0.0
    effects = coefficients[-(M - 1):]
    s = np.r_[effects, -effects.sum()]
    if seasonality == "multiplicative":
        ratio = y / (l0 + b0 * t)
        s = np.array([ratio[position == j].mean() for j in range(M)])
        s = s / s.mean()
    return float(l0), float(b0), s


def statsmodels_hw(y, seasonality, trend, init, **kwargs):
    l0, b0, s = init
    return ExponentialSmoothing(
        y, trend=None if trend == "none" else "add", damped_trend=trend == "damped",
        seasonal="add" if seasonality == "additive" else "mul", seasonal_periods=M,
        initialization_method="known", initial_level=l0,
        initial_trend=b0 if trend != "none" else None, initial_seasonal=s, **kwargs)


def statsmodels_forecast(hw, seasonality, trend):
    """hw.forecast(HORIZON), except at h = 12: statsmodels 0.14.4's forecast()
    takes a season-old seasonal state there (statsmodels issue #9538, fixed
    after 0.14.4), so the forecast equation is applied to its own final
    states instead."""
    theirs = np.asarray(hw.forecast(HORIZON), dtype=float).copy()
    phi = hw.params["damping_trend"] if trend == "damped" else 1.0
    damping = sum(phi ** i for i in range(1, M + 1))
    base = hw.level[-1] + (damping * hw.trend[-1] if trend != "none" else 0.0)
    theirs[M - 1] = base + hw.season[-1] if seasonality == "additive" else base * hw.season[-1]
    return theirs


def monthly(y):
    return pd.Series(y, index=pd.date_range("2020-01-01", periods=len(y), freq="MS"))


def ours_standard_errors(result):
    z = norm.ppf((1 + result["level"]) / 2)
    return (np.array(result["upper"]) - np.array(result["point"])) / z


def check_holt_winters_fixed(report, tool, work, name, y, seasonality, trend):
    where = f"{name}; {seasonality}, trend {trend}"
    ours = run_tool(tool, work, name, y, model="holt_winters", seasonality=seasonality,
                    trend=trend, fixed=True, horizon=HORIZON, level=LEVEL, paths=PATHS,
                    print_normals=seasonality == "multiplicative", **FIXED)
    init = initial_states(y, seasonality, trend)
    scale = float(np.mean(np.abs(y)))
    states_ours = np.r_[ours["initial"]["level"], ours["initial"]["trend"], ours["initial"]["season"]]
    states_mine = np.r_[init[0], init[1], init[2]]
    report.check("initial states (relative to the mean)",
                 np.max(np.abs(states_ours - states_mine)) / scale, EXACT, where)

    fixed = {"smoothing_level": FIXED["alpha"], "smoothing_seasonal": FIXED["gamma"]}
    if trend != "none":
        fixed["smoothing_trend"] = FIXED["beta"]
    if trend == "damped":
        fixed["damping_trend"] = FIXED["phi"]
    hw = statsmodels_hw(y, seasonality, trend, init).fit(optimized=False, **fixed)
    report.check("fixed weights: fitted values", rel(ours["fitted"], hw.fittedvalues), EXACT, where)
    report.check("fixed weights: SSE", rel(ours["sse"], hw.sse), EXACT, where)
    report.check("fixed weights: point forecasts",
                 rel(ours["point"], statsmodels_forecast(hw, seasonality, trend)), EXACT, where)

    n = len(y)
    sigma = ours["sigma"]
    if seasonality == "additive":
        params = [FIXED["alpha"]]
        if trend != "none":
            params.append(FIXED["alpha"] * FIXED["beta"])
        params.append(FIXED["gamma"])
        if trend == "damped":
            params.append(FIXED["phi"])
        ets = ETSModel(monthly(y), error="add", trend=None if trend == "none" else "add",
                       damped_trend=trend == "damped", seasonal="add", seasonal_periods=M,
                       initialization_method="known", initial_level=init[0],
                       initial_trend=init[1] if trend != "none" else None,
                       initial_seasonal=init[2]).smooth(params)
        report.check("ETSModel (A,*,A): SSE", rel(ours["sse"], ets.mse * n), EXACT, where)
        prediction = ets.get_prediction(start=n, end=n + HORIZON - 1)
        frame = prediction.summary_frame(alpha=1 - LEVEL)
        report.check("ETSModel (A,*,A): point forecasts", rel(ours["point"], frame["mean"]),
                     EXACT, where)
        theirs = np.sqrt(np.asarray(prediction.forecast_variance) / ets.mse)
        report.check("ETSModel (A,*,A): forecast standard errors σ_h/σ",
                     rel(ours_standard_errors(ours) / sigma, theirs), EXACT, where)
    else:
        # The first month ahead is exact: ŷ ± z σ.
        z1 = norm.ppf((1 + LEVEL) / 2)
        report.check("simulated intervals (multiplicative): 1 month ahead, exact",
                     max(rel(ours["lower"][0], ours["point"][0] - z1 * sigma),
                         rel(ours["upper"][0], ours["point"][0] + z1 * sigma)), EXACT, where)
        z = np.array(ours["normals"]).reshape(HORIZON, PATHS)
        # statsmodels' simulate takes smoothing_trend as the state-space
        # weight (see the module docstring).
        hw.params["smoothing_trend"] = FIXED["alpha"] * FIXED["beta"] if trend != "none" else 0.0
        with warnings.catch_warnings():
            # simulate() estimates a σ of its own, unused with random_errors,
            # and divides by zero doing so for the shortest series.
            warnings.simplefilter("ignore")
            simulated = np.asarray(hw.simulate(HORIZON, anchor="end", repetitions=PATHS,
                                               random_errors=sigma * z))
        lower = np.quantile(simulated, (1 - LEVEL) / 2, axis=1)
        upper = np.quantile(simulated, (1 + LEVEL) / 2, axis=1)
        report.check("simulated intervals (multiplicative): bounds, 2+ months ahead",
                     max(rel(ours["lower"][1:], lower[1:]), rel(ours["upper"][1:], upper[1:])),
                     EXACT, where)


def check_holt_winters_fitted(report, tool, work, name, y, seasonality, trend, fits):
    where = f"{name}; {seasonality}, trend {trend}"
    ours = run_tool(tool, work, name, y, model="holt_winters", seasonality=seasonality,
                    trend=trend, horizon=HORIZON, level=LEVEL)
    init = initial_states(y, seasonality, trend)
    kwargs = {"bounds": {"damping_trend": (0.8, 0.98)}} if trend == "damped" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hw = statsmodels_hw(y, seasonality, trend, init, **kwargs).fit()
    excess = (ours["sse"] - hw.sse) / hw.sse
    report.check("fitted weights: our SSE above statsmodels' (fraction)", max(excess, 0.0),
                 FIT_SSE_EXCESS, where)
    if abs(excess) <= FIT_SSE_EXCESS:
        report.check("fitted weights, SSEs within 0.1 %: point forecasts",
                     rel(ours["point"], statsmodels_forecast(hw, seasonality, trend)),
                     FIT_FORECAST, where)
    params = hw.params
    fits.append((where, ours["sse"], hw.sse, ours["weights"],
                 {"alpha": params["smoothing_level"], "beta": params["smoothing_trend"],
                  "gamma": params["smoothing_seasonal"], "phi": params["damping_trend"]}))


def check_seasonal_naive(report, tool, work, name, y):
    n = len(y)
    ours = run_tool(tool, work, name + " snaive", y, model="seasonal_naive", horizon=HORIZON,
                    level=LEVEL)
    sigma = ours["sigma"]
    if n > M:
        where = f"{name}; seasonal naive"
        l0 = float(np.mean(y[:M]))
        ets = ETSModel(monthly(y), error="add", trend=None, seasonal="add", seasonal_periods=M,
                       initialization_method="known", initial_level=l0,
                       initial_seasonal=y[:M] - l0).smooth([TINY, 1 - TINY])
        dof = n - M
        fitted = np.array([np.nan if v is None else v for v in ours["fitted"]], dtype=float)
        report.check("seasonal naive: fitted values", rel(fitted[M:], ets.fittedvalues[M:]),
                     EXACT, where)
    else:
        where = f"{name}; naive fallback ({n} months)"
        ets = ETSModel(monthly(y), error="add", trend=None, seasonal=None,
                       initialization_method="known", initial_level=y[0]).smooth([1 - TINY])
        dof = n - 1
    prediction = ets.get_prediction(start=n, end=n + HORIZON - 1)
    frame = prediction.summary_frame(alpha=1 - LEVEL)
    report.check("seasonal naive / naive: point forecasts", rel(ours["point"], frame["mean"]),
                 EXACT, where)
    theirs = np.sqrt(np.asarray(prediction.forecast_variance) / ets.mse)
    report.check("seasonal naive / naive: forecast standard errors σ_h/σ",
                 rel(ours_standard_errors(ours) / sigma, theirs), EXACT, where)
    report.check("seasonal naive / naive: σ² = SSE/(n - lag)",
                 rel(sigma ** 2, ets.mse * n / dof), EXACT, where)


REGRESSION_HORIZON = 4


def regression_cases(rng):
    """Named series of sales driven by visits, prescriptions and the previous
    month, with the columns running REGRESSION_HORIZON months past them."""
    cases = []
    for name, n, columns, sd in (("regression, 36 months", 36, ("visits", "prescriptions"), 6),
                                 ("regression, 60 months", 60, ("visits", "prescriptions"), 15),
                                 ("regression, 8 months", 8, ("visits", "prescriptions"), 4),
                                 ("regression on visits only, 24 months", 24, ("visits",), 5)):
        total = n + REGRESSION_HORIZON
        t = np.arange(total)
        x = {"visits": 30 + 8 * np.sin(2 * np.pi * t / M) + rng.normal(0, 3, total)}
        if "prescriptions" in columns:
            x["prescriptions"] = 100 + 0.8 * t + rng.normal(0, 10, total)
        y = np.empty(n)
        y[0] = 250.0
        for i in range(1, n):
            y[i] = (40 + 4 * x["visits"][i] + 0.6 * x.get("prescriptions", np.zeros(total))[i]
                    + 0.45 * y[i - 1] + rng.normal(0, sd))
        cases.append((name, y, x))
    return cases


def check_regression(report, tool, work, name, y, x):
    where = name
    n = len(y)
    ours = run_tool(tool, work, name, y, exogenous=x, model="regression",
                    horizon=REGRESSION_HORIZON, level=LEVEL)
    design = np.column_stack([np.ones(n - 1)] + [x[c][1:n] for c in x] + [y[:-1]])
    ols = sm.OLS(y[1:], design).fit()
    report.check("regression: coefficient names",
                 0.0 if ours["coefficient_names"] == ["intercept", *x, "sales_lag1"] else 1.0,
                 0.0, where)
    report.check("regression: coefficients", rel(ours["coefficients"], ols.params), EXACT, where)
    report.check("regression: σ", rel(ours["sigma"], np.sqrt(ols.scale)), EXACT, where)
    fitted = np.array([np.nan if v is None else v for v in ours["fitted"]], dtype=float)
    report.check("regression: fitted values", rel(fitted[1:], ols.fittedvalues), EXACT, where)
    # h = 1: statsmodels' prediction interval for the next month's row.
    row = np.r_[1.0, [x[c][n] for c in x], y[-1]]
    frame = ols.get_prediction(row[None, :]).summary_frame(alpha=1 - LEVEL)
    report.check("regression: h = 1 point forecast", rel(ours["point"][0], frame["mean"][0]),
                 EXACT, where)
    report.check("regression: h = 1 interval (obs_ci)",
                 max(rel(ours["lower"][0], frame["obs_ci_lower"][0]),
                     rel(ours["upper"][0], frame["obs_ci_upper"][0])), EXACT, where)
    # h > 1: the recursion and the stated variance, from statsmodels' fit.
    params = np.asarray(ols.params)
    cov = np.asarray(ols.cov_params())
    phi = params[-1]
    tq = student_t.ppf((1 + LEVEL) / 2, ols.df_resid)
    lag = y[-1]
    points, lower, upper = [], [], []
    for h in range(REGRESSION_HORIZON):
        row = np.r_[1.0, [x[c][n + h] for c in x], lag]
        point = float(row @ params)
        variance = ols.scale * sum(phi ** (2 * i) for i in range(h + 1)) + row @ cov @ row
        points.append(point)
        lower.append(point - tq * np.sqrt(variance))
        upper.append(point + tq * np.sqrt(variance))
        lag = point
    report.check("regression: recursive point forecasts", rel(ours["point"], points), EXACT, where)
    report.check("regression: intervals, h > 1 (the stated variance)",
                 max(rel(ours["lower"][1:], lower[1:]), rel(ours["upper"][1:], upper[1:])),
                 EXACT, where)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tool", required=True, help="the forecast_reference binary")
    parser.add_argument("--work", required=True, help="a folder for the series' CSV files")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    rng = np.random.default_rng(SEED)
    report = Report()
    fits = []
    for name, y in series_cases(rng):
        for seasonality in ("additive", "multiplicative"):
            for trend in ("none", "additive", "damped"):
                check_holt_winters_fixed(report, args.tool, args.work, name, y, seasonality, trend)
                check_holt_winters_fitted(report, args.tool, args.work, name, y, seasonality,
                                          trend, fits)
        check_seasonal_naive(report, args.tool, args.work, name, y)
        check_seasonal_naive(report, args.tool, args.work, name + ", first 9", y[:9])
    for name, y, x in regression_cases(rng):
        check_regression(report, args.tool, args.work, name, y, x)

    print("Fitted weights (ours | statsmodels), for information:")
    for where, ours_sse, their_sse, ours, theirs in fits:
        print(f"  {where}: SSE {ours_sse:.6g} | {their_sse:.6g}; "
              f"α {ours['alpha']:.4f} | {theirs['alpha']:.4f}, "
              f"β {ours['beta']:.4f} | {theirs['beta'] if theirs['beta'] == theirs['beta'] else 0:.4f}, "
              f"γ {ours['gamma']:.4f} | {theirs['gamma']:.4f}, "
              f"φ {ours['phi']:.4f} | {theirs['phi'] if theirs['phi'] == theirs['phi'] else 1:.4f}")
    print()
    report.print()
    if report.failures:
        print("\nFAILED:")
        for failure in report.failures:
            print("  " + failure)
        return 1
    print("\nEvery comparison holds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

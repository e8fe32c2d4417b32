#!/usr/bin/env python3
"""The relation models of libs/analytics held against statsmodels.

Run by the ctest analytics_regression_reference_test with the Python of
.cache/venv (deploy/local/setup.sh installs the pinned statsmodels, numpy,
scipy and pandas of deploy/local/requirements.txt there):

    .cache/venv/bin/python libs/analytics/reference/regression_reference.py \
        --tool build/tests/regression_reference --workdir /tmp/reference

It generates seeded data with planted effects, writes them as CSV, has the
C++ tool regression_reference fit them with the library (JSON on stdout),
fits the same models with statsmodels, and exits 1 unless every figure
agrees within the tolerance below:

  * OLS with classical standard errors: sm.OLS(y, X).fit();
  * OLS with HC1 standard errors: .fit(cov_type='HC1', use_t=True) (the
    library uses Student's t with n - k df for robust inference, as Stata
    does; statsmodels' default for robust covariances is the normal, so
    use_t=True asks for the same test);
  * the multinomial logit: sm.MNLogit(y, X).fit(method='newton'), the
    library's own Newton-Raphson against statsmodels', both iterated to a
    step below 1e-10 (statsmodels: tol=1e-12, on the raw coefficients);
  * predictions of new rows (OLS fitted values, MNLogit class
    probabilities);
  * the held-out evaluation: statsmodels refitted on the training
    customers the library chose, its predictions of the held-out ones give
    the same accuracy, confusion matrix and majority-class baseline.

Every quantity must agree within 1e-6 relative: |a - b| <= 1e-6 max(|a|, |b|).
Two values that are both below 1e-290 count as equal (p-values at the
bottom of the double range, where both libraries round to subnormals or 0).
The MNLogit is iterative, but both fits run Newton-Raphson to convergence on
the same likelihood, so the same 1e-6 applies; its actual differences are
printed with the others.
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys

try:
    import numpy as np
    import statsmodels
    import statsmodels.api as sm
except ImportError as error:  # the venv is incomplete: a failure, not a skip
    sys.exit(f"regression_reference: cannot import statsmodels/numpy ({error}); "
             "run make setup (deploy/local/setup.sh)")

RELATIVE_TOLERANCE = 1e-6
BOTH_NEGLIGIBLE = 1e-290
SEED = 20261208

HOSPITAL_CLASSES = ["三级", "二级", "一级"]
DOCTOR_CLASSES = ["A", "B", "C", "D"]
REGIONS = ["东部", "中部", "西部"]


# --- Data ---------------------------------------------------------------------

def regression_data(rng, n):
    """Monthly sales of n hospital-doctor pairs with planted effects.

    Errors are heteroskedastic (their spread grows with visits), so the HC1
    standard errors differ from the classical ones. `tenure` has no effect.
    """
    visits = rng.poisson(8, n).astype(float)
    rep_cost = np.round(rng.gamma(4.0, 1500.0, n), 2)
    events = rng.poisson(2, n).astype(float)
    tenure = rng.integers(0, 15, n).astype(float)
    hospital = rng.choice(HOSPITAL_CLASSES, n, p=[0.3, 0.5, 0.2])
    doctor = rng.choice(DOCTOR_CLASSES, n, p=[0.2, 0.3, 0.3, 0.2])
    hospital_effect = {"三级": 80.0, "二级": 0.0, "一级": -30.0}
    doctor_effect = {"A": 45.0, "B": 20.0, "C": 0.0, "D": -4.0}
    noise = rng.normal(0, 1, n) * 25 * (1 + visits / 8)
    sales = (200 + 12 * visits + 0.02 * rep_cost + 5 * events + 0 * tenure
             + np.array([hospital_effect[h] for h in hospital])
             + np.array([doctor_effect[d] for d in doctor]) + noise)
    # A response barely related to its regressors, so that the F-test's and
    # the coefficients' p-values fall in the middle of (0, 1) rather than
    # underflowing to 0.
    weak = 50 + 0.8 * events + 1.5 * (doctor == "D") + rng.normal(0, 20, n)
    return {"visits": visits, "rep_cost": rep_cost, "events": events, "tenure": tenure,
            "hospital_class": hospital, "doctor_class": doctor, "sales": np.round(sales, 4),
            "weak_sales": np.round(weak, 4)}


def classification_data(rng, n):
    """Hospitals classed 三级/二级/一级 by beds, outpatients and region.

    Log-odds against 二级; `tenure` has no effect.
    """
    beds = np.round(rng.normal(500, 200, n), 1)
    outpatients = np.round(rng.normal(10, 3, n), 3)
    tenure = rng.integers(0, 12, n).astype(float)
    region = rng.choice(REGIONS, n)
    east = (region == "东部").astype(float)
    west = (region == "西部").astype(float)
    tier3 = -6 + 0.008 * beds + 0.2 * outpatients + 0.8 * east - 0.3 * west
    tier1 = 3 - 0.006 * beds - 0.1 * outpatients + 0.4 * west
    top = np.maximum(0, np.maximum(tier3, tier1))
    weights = np.stack([np.exp(-top), np.exp(tier3 - top), np.exp(tier1 - top)], axis=1)
    probabilities = weights / weights.sum(axis=1, keepdims=True)
    u = rng.random(n)
    labels = np.array(["二级", "三级", "一级"])
    index = (u[:, None] > np.cumsum(probabilities, axis=1)).sum(axis=1)
    return {"beds": beds, "outpatients": outpatients, "tenure": tenure, "region": region,
            "class": labels[index]}


def write_csv(path, columns):
    names = list(columns)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        for i in range(len(columns[names[0]])):
            # repr of a float is the shortest text that reads back to the
            # same double: both sides fit exactly the same numbers.
            writer.writerow([repr(float(columns[c][i])) if isinstance(columns[c][i], np.floating)
                             else str(columns[c][i]) for c in names])


def subset(columns, count):
    return {name: values[:count] for name, values in columns.items()}


# --- Design (built independently of the library) ------------------------------

def design(columns, numeric, factors):
    """Intercept, numeric columns, then one dummy per non-baseline level.

    Levels in code-point order, which is UTF-8 byte order (the library's).
    """
    names = ["intercept"] + list(numeric)
    blocks = [np.ones(len(columns[numeric[0]] if numeric else columns[factors[0][0]]))]
    blocks += [np.asarray(columns[c], dtype=float) for c in numeric]
    for column, baseline in factors:
        values = np.asarray(columns[column])
        levels = sorted(set(values.tolist()))
        base = baseline or levels[0]
        for level in levels:
            if level != base:
                names.append(f"{column}={level}")
                blocks.append((values == level).astype(float))
    return np.column_stack(blocks), names


# --- Comparison ---------------------------------------------------------------

class Comparison:
    def __init__(self):
        self.worst = {}  # quantity -> (relative difference, where, ours, theirs)
        self.counts = {}
        self.negligible = {}  # quantity -> pairs both below BOTH_NEGLIGIBLE
        self.failures = []

    def check(self, quantity, where, ours, theirs):
        ours = float(ours)
        theirs = float(theirs)
        if math.isnan(ours) or math.isnan(theirs):
            difference = 0.0 if math.isnan(ours) and math.isnan(theirs) else math.inf
        elif abs(ours) < BOTH_NEGLIGIBLE and abs(theirs) < BOTH_NEGLIGIBLE:
            difference = 0.0
            self.negligible[quantity] = self.negligible.get(quantity, 0) + 1
        else:
            difference = abs(ours - theirs) / max(abs(ours), abs(theirs))
        self.counts[quantity] = self.counts.get(quantity, 0) + 1
        if quantity not in self.worst or difference > self.worst[quantity][0]:
            self.worst[quantity] = (difference, where, ours, theirs)
        if not difference <= RELATIVE_TOLERANCE:
            self.failures.append(f"{quantity} {where}: library {ours!r}, statsmodels {theirs!r} "
                                 f"(relative difference {difference:.3g})")

    def same(self, quantity, where, ours, theirs):
        self.counts[quantity] = self.counts.get(quantity, 0) + 1
        self.worst.setdefault(quantity, (0.0, where, ours, theirs))
        if ours != theirs:
            self.worst[quantity] = (math.inf, where, ours, theirs)
            self.failures.append(f"{quantity} {where}: library {ours!r}, statsmodels {theirs!r}")

    def report(self):
        print(f"{'quantity':<56} {'values':>6} {'max relative difference':>24} "
              f"{'both < 1e-290':>14}   where (library, statsmodels)")
        for quantity in self.worst:
            difference, where, ours, theirs = self.worst[quantity]
            at = f"{where} ({ours!r}, {theirs!r})" if difference > 0 else ""
            print(f"{quantity:<56} {self.counts[quantity]:>6} {difference:>24.3g} "
                  f"{self.negligible.get(quantity, 0):>14}   {at}")


def run_tool(tool, arguments):
    result = subprocess.run([tool] + arguments, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"regression_reference: the tool failed ({result.returncode}): "
                 f"{' '.join([tool] + arguments)}\n{result.stderr}")
    return json.loads(result.stdout)


def compare_estimates(comparison, label, ours, names, params, bse, stats, pvalues, conf_int):
    if [c["name"] for c in ours] != names:
        comparison.failures.append(f"{label}: coefficient names differ: "
                                   f"{[c['name'] for c in ours]} against {names}")
        return
    for i, coefficient in enumerate(ours):
        where = f"{label} {names[i]}"
        comparison.check(f"{label}: estimate", where, coefficient["estimate"], params[i])
        comparison.check(f"{label}: standard error", where, coefficient["std_error"], bse[i])
        comparison.check(f"{label}: t or z", where, coefficient["statistic"], stats[i])
        comparison.check(f"{label}: p-value", where, coefficient["p_value"], pvalues[i])
        comparison.check(f"{label}: 95 % CI", where + " low", coefficient["ci_low"],
                         conf_int[i][0])
        comparison.check(f"{label}: 95 % CI", where + " high", coefficient["ci_high"],
                         conf_int[i][1])
        comparison.same(f"{label}: significant at 5 %", where, coefficient["significant"],
                        bool(pvalues[i] < 0.05))


# --- The models ---------------------------------------------------------------

OLS_NUMERIC = ["visits", "rep_cost", "events", "tenure"]
OLS_FACTORS = [("hospital_class", "二级"), ("doctor_class", "C")]
LOGIT_NUMERIC = ["beds", "outpatients", "tenure"]
LOGIT_FACTORS = [("region", "中部")]


def check_ols(comparison, tool, workdir, data, fresh):
    data_csv = os.path.join(workdir, "ols.csv")
    fresh_csv = os.path.join(workdir, "ols_predict.csv")
    write_csv(data_csv, data)
    write_csv(fresh_csv, fresh)
    models = [("OLS", "sales", OLS_NUMERIC, OLS_FACTORS),
              ("weak OLS", "weak_sales", ["events", "tenure"], [("doctor_class", "")])]
    for name, response, numeric, factors in models:
        x, names = design(data, numeric, factors)
        x_fresh, fresh_names = design(fresh, numeric, factors)
        assert fresh_names == names, (fresh_names, names)
        y = np.asarray(data[response], dtype=float)
        for covariance in ("classical", "hc1"):
            ours = run_tool(tool, ["--csv", data_csv, "--model=ols", "--response=" + response,
                                   "--numeric=" + ",".join(numeric),
                                   "--factors=" + ",".join(f"{c}:{b}" for c, b in factors),
                                   "--covariance=" + covariance, "--predict_csv", fresh_csv])
            model = sm.OLS(y, x)
            theirs = (model.fit() if covariance == "classical"
                      else model.fit(cov_type="HC1", use_t=True))
            label = f"{name} {covariance}"
            compare_estimates(comparison, label, ours["coefficients"], names, theirs.params,
                              theirs.bse, theirs.tvalues, theirs.pvalues, theirs.conf_int(0.05))
            comparison.same(f"{label}: n, k, df", "",
                            (ours["n"], ours["k"], ours["df_residual"]),
                            (int(theirs.nobs), len(names), int(theirs.df_resid)))
            comparison.check(f"{label}: R²", "", ours["r_squared"], theirs.rsquared)
            comparison.check(f"{label}: adjusted R²", "", ours["adjusted_r_squared"],
                             theirs.rsquared_adj)
            comparison.check(f"{label}: residual standard error", "",
                             ours["residual_std_error"], math.sqrt(theirs.mse_resid))
            comparison.check(f"{label}: F", "", ours["f_statistic"], theirs.fvalue)
            comparison.check(f"{label}: p of F", "", ours["f_p_value"], theirs.f_pvalue)
            predictions = theirs.predict(x_fresh)
            for i, value in enumerate(predictions):
                comparison.check(f"{label}: predictions", f"row {i}", ours["predictions"][i],
                                 value)


def logit_codes(values, classes):
    index = {c: i for i, c in enumerate(classes)}
    return np.array([index[v] for v in values])


def check_mnlogit(comparison, tool, workdir, data, fresh):
    data_csv = os.path.join(workdir, "mnlogit.csv")
    fresh_csv = os.path.join(workdir, "mnlogit_predict.csv")
    write_csv(data_csv, data)
    write_csv(fresh_csv, {k: v for k, v in fresh.items() if k != "class"})
    expected_classes = ["二级"] + sorted(c for c in set(data["class"].tolist()) if c != "二级")
    # The planted model, and a weak one (tenure has no effect, outpatients a
    # small one) whose likelihood-ratio p-value is not 0.
    models = [("MNLogit", LOGIT_NUMERIC, LOGIT_FACTORS),
              ("weak MNLogit", ["tenure", "outpatients"], [])]
    for label, numeric, factors in models:
        arguments = ["--csv", data_csv, "--response=class", "--baseline=二级",
                     "--numeric=" + ",".join(numeric)]
        if factors:
            arguments.append("--factors=" + ",".join(f"{c}:{b}" for c, b in factors))
        ours = run_tool(tool, arguments + ["--model=mnlogit", "--predict_csv", fresh_csv])
        classes = ours["classes"]
        comparison.same(f"{label}: classes", "", classes, expected_classes)
        x, names = design(data, numeric, factors)
        x_fresh, _ = design(fresh, numeric, factors)
        y = logit_codes(data["class"], classes)
        theirs = sm.MNLogit(y, x).fit(method="newton", maxiter=100, tol=1e-12, disp=False)
        # The intercepts-only model behind llnull, llr and prsquared: by
        # default statsmodels fits it with Nelder-Mead then BFGS to a loose
        # tolerance (llnull 1e-10 off, which the difference llf - llnull
        # of a weak model magnifies); Newton to the same tolerance instead.
        theirs.set_null_options(method="newton", maxiter=100, tol=1e-12)
        conf_int = theirs.conf_int(0.05)  # (classes - 1) x k x 2
        for j, effects in enumerate(ours["effects"]):
            comparison.same(f"{label}: class order", f"class {j + 1}", effects["class"],
                            classes[j + 1])
            compare_estimates(comparison, label, effects["coefficients"], names,
                              theirs.params[:, j], theirs.bse[:, j], theirs.tvalues[:, j],
                              theirs.pvalues[:, j], conf_int[j])
        comparison.same(f"{label}: n, parameters", "", (ours["n"], ours["parameters"]),
                        (int(theirs.nobs), theirs.params.size))
        comparison.check(f"{label}: log-likelihood", "", ours["log_likelihood"], theirs.llf)
        comparison.check(f"{label}: null log-likelihood", "", ours["null_log_likelihood"],
                         theirs.llnull)
        comparison.check(f"{label}: McFadden pseudo R²", "", ours["pseudo_r_squared"],
                         theirs.prsquared)
        comparison.check(f"{label}: LR chi²", "", ours["lr_statistic"], theirs.llr)
        comparison.check(f"{label}: p of LR chi²", "", ours["lr_p_value"], theirs.llr_pvalue)
        comparison.same(f"{label}: LR df", "", ours["lr_df"], int(theirs.df_model))
        probabilities = theirs.predict(x_fresh)
        for i, row in enumerate(probabilities):
            for c, value in enumerate(row):
                comparison.check(f"{label}: predicted probabilities", f"row {i} class {c}",
                                 ours["probabilities"][i][c], value)

    arguments = ["--csv", data_csv, "--response=class", "--baseline=二级",
                 "--numeric=" + ",".join(LOGIT_NUMERIC),
                 "--factors=" + ",".join(f"{c}:{b}" for c, b in LOGIT_FACTORS)]
    x, names = design(data, LOGIT_NUMERIC, LOGIT_FACTORS)
    classes = expected_classes
    y = logit_codes(data["class"], classes)

    # The held-out evaluation: statsmodels fitted on the customers the
    # library trained on, judged on the ones it held out.
    drivers = run_tool(tool, arguments + ["--model=drivers", "--fraction=0.25", "--seed=7"])
    held = np.zeros(len(y), dtype=bool)
    held[drivers["held_out_rows"]] = True
    train = ~held
    fitted = sm.MNLogit(y[train], x[train]).fit(method="newton", maxiter=100, tol=1e-12,
                                                disp=False)
    for j, effects in enumerate(drivers["effects"]):
        compare_estimates(comparison, "MNLogit on the training customers",
                          effects["coefficients"], names, fitted.params[:, j], fitted.bse[:, j],
                          fitted.tvalues[:, j], fitted.pvalues[:, j], fitted.conf_int(0.05)[j])
    predicted = np.argmax(fitted.predict(x[held]), axis=1)
    actual = y[held]
    confusion = np.zeros((len(classes), len(classes)), dtype=int)
    for a, p in zip(actual, predicted):
        confusion[a, p] += 1
    comparison.same("held out: confusion matrix", "", drivers["confusion"], confusion.tolist())
    comparison.check("held out: accuracy", "", drivers["accuracy"], np.mean(predicted == actual))
    majority = int(np.argmax(np.bincount(y[train], minlength=len(classes))))
    comparison.same("held out: majority class", "", drivers["majority_class"], classes[majority])
    comparison.check("held out: majority-class accuracy", "", drivers["baseline_accuracy"],
                     np.mean(actual == majority))
    # Stratified: each class's share held out is its rounded quarter.
    for c in range(len(classes)):
        members = int(np.sum(y == c))
        comparison.same("held out: customers per class", classes[c], int(np.sum(actual == c)),
                        min(members - 1, int(math.floor(0.25 * members + 0.5))))
    print(f"held out {int(held.sum())} of {len(y)} customers: accuracy "
          f"{drivers['accuracy']:.4f}, majority class {drivers['majority_class']} "
          f"{drivers['baseline_accuracy']:.4f}; importance "
          + ", ".join(f"{f['feature']} {f['log_likelihood_drop']:.4f}"
                      for f in drivers["importance"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True, help="the regression_reference binary")
    parser.add_argument("--workdir", required=True, help="folder for the generated CSV files")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    print(f"statsmodels {statsmodels.__version__}, numpy {np.__version__}; seed {SEED}")

    rng = np.random.default_rng(SEED)
    regression = regression_data(rng, 3000)
    regression_fresh = subset(regression_data(rng, 25), 25)
    classification = classification_data(rng, 2500)
    classification_fresh = subset(classification_data(rng, 25), 25)

    comparison = Comparison()
    check_ols(comparison, args.tool, args.workdir, regression, regression_fresh)
    check_mnlogit(comparison, args.tool, args.workdir, classification, classification_fresh)
    comparison.report()
    if comparison.failures:
        print(f"\nFAILED: {len(comparison.failures)} figures disagree with statsmodels beyond "
              f"{RELATIVE_TOLERANCE:g} relative:", file=sys.stderr)
        for failure in comparison.failures[:50]:
            print("  " + failure, file=sys.stderr)
        return 1
    print(f"\nOK: every figure agrees with statsmodels within {RELATIVE_TOLERANCE:g} relative")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#include "pharmacrm/analytics/backtest.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "pharmacrm/analytics/holt_winters.h"
#include "pharmacrm/analytics/regression_forecast.h"
#include "pharmacrm/analytics/seasonal_naive.h"
#include "src/forecast_internal.h"

namespace pharmacrm::analytics {
namespace {

using forecast_internal::Fixed;

// Every back-test window keeps this many months (naive needs 2).
constexpr int kMinWindow = 2;
// Scores this close (relative) are a tie.
constexpr double kTieTolerance = 1e-9;

absl::Status ValidateBacktestOptions(const BacktestOptions& options) {
  if (options.holdout_months < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("backtest.holdout_months: must be at least 1, is ", options.holdout_months));
  }
  if (options.horizon < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("backtest.horizon: must be at least 1, is ", options.horizon));
  }
  if (options.season_length < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("backtest.season_length: must be at least 2, is ", options.season_length));
  }
  return ValidateLevel(options.level);
}

absl::Status ValidateModels(absl::Span<const ForecastModel* const> models) {
  if (models.empty()) return absl::InvalidArgumentError("models: empty");
  for (size_t i = 0; i < models.size(); ++i) {
    if (models[i] == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("models[", i, "]: null"));
  }
  return absl::OkStatus();
}

// Sums over one model's held-out forecasts.
struct Sums {
  int forecasts = 0;
  double abs_error = 0;
  double error = 0;
  double actual = 0;
  int percent_count = 0;
  double percent = 0;
  int zero_actuals = 0;
  int inside = 0;

  void Add(double actual_value, double point, double lower, double upper) {
    const double e = actual_value - point;
    ++forecasts;
    abs_error += std::abs(e);
    error += e;
    actual += actual_value;
    if (actual_value != 0) {
      ++percent_count;
      percent += std::abs(e) / std::abs(actual_value);
    } else {
      ++zero_actuals;
    }
    if (actual_value >= lower && actual_value <= upper) ++inside;
  }

  void Into(const MaseScale& scale, ModelScore& score) const {
    const double count = static_cast<double>(forecasts);
    score.forecasts = forecasts;
    score.mae = abs_error / count;
    if (scale.mae > 0) score.mase = score.mae / scale.mae;
    if (percent_count > 0) score.mape = 100 * percent / static_cast<double>(percent_count);
    score.mape_zero_actuals = zero_actuals;
    score.bias = error / count;
    if (actual != 0) score.bias_percent = 100 * error / actual;
    score.coverage = static_cast<double>(inside) / count;
  }
};

BilingualText FitFailed(int months, const absl::Status& status) {
  return {absl::StrCat("could not be fitted to the first ", months, " months: ", status.message()),
          absl::StrCat("无法拟合前 ", months, " 个月：", status.message())};
}

// Scores one model over every origin, or says why it was skipped.
void ScoreModel(const MonthlySeries& series, const ForecastModel& model,
                const BacktestOptions& options, int holdout, const MaseScale& scale,
                ModelScore& score) {
  const absl::Span<const double> y = series.values;
  const int n = static_cast<int>(y.size());
  const int horizon = options.horizon;
  const double level = options.level;
  const bool refit_every_origin = options.refit_every_origin;
  std::unique_ptr<FittedModel> first;  // the fit at the first origin
  std::vector<ModelParameter> estimated;
  Sums sums;
  for (int origin = n - holdout; origin < n; ++origin) {
    const std::vector<ExogenousView> past = ExogenousViews(series, 0, origin);
    const SeriesView window{y.first(static_cast<size_t>(origin)), past};
    if (std::optional<BilingualText> why = model.Unsuitable(window)) {
      score.skipped = std::move(why);
      return;
    }
    // Parameters are estimated at the first origin and reused at the later
    // ones, unless re-estimated at every origin.
    absl::StatusOr<std::unique_ptr<FittedModel>> fitted = first == nullptr || refit_every_origin
                                                              ? model.Fit(window)
                                                              : model.FitWith(window, estimated);
    if (!fitted.ok()) {
      score.skipped = FitFailed(origin, fitted.status());
      return;
    }
    const int steps = std::min(horizon, n - origin);
    const std::vector<ExogenousView> future = ExogenousViews(series, origin, steps);
    absl::StatusOr<IntervalForecast> forecast = (*fitted)->Forecast(steps, level, future);
    if (!forecast.ok()) {
      score.skipped = FitFailed(origin, forecast.status());
      return;
    }
    if (first == nullptr) {
      first = *std::move(fitted);
      estimated = first->parameters();
    }
    for (int s = 0; s < steps; ++s) {
      const size_t i = static_cast<size_t>(s);
      sums.Add(y[static_cast<size_t>(origin + s)], forecast->point[i], forecast->lower[i],
               forecast->upper[i]);
    }
  }
  sums.Into(scale, score);
}

// The figure the choice compares: MASE, or MAE when MASE is undefined.
double Key(const ModelScore& score) { return score.mase.value_or(score.mae); }

bool Tied(double a, double b) {
  return std::abs(a - b) <= kTieTolerance * std::max({1.0, std::abs(a), std::abs(b)});
}

// Whether candidate i is preferred to j (both evaluated).
bool Preferred(const BacktestResult& backtest, int i, int j) {
  const ModelScore& a = backtest.scores[static_cast<size_t>(i)];
  const ModelScore& b = backtest.scores[static_cast<size_t>(j)];
  if (!Tied(Key(a), Key(b))) return Key(a) < Key(b);
  if (a.complexity != b.complexity) return a.complexity < b.complexity;
  return i < j;
}

std::string Percent(double value) { return Fixed(100 * value, 0); }

std::string Signed(double value, int decimals) {
  return absl::StrCat(value > 0 ? "+" : "", Fixed(value, decimals));
}

BilingualText EvaluatedReason(absl::Span<const ForecastModel* const> models,
                              const BacktestResult& backtest, const std::vector<int>& ranking) {
  const int best = ranking.front();
  const ModelScore& win = backtest.scores[static_cast<size_t>(best)];
  const BilingualText name = models[static_cast<size_t>(best)]->name();
  const bool mase = win.mase.has_value();
  const std::string metric = mase ? "MASE" : "MAE";
  // Two decimals, or as many more (up to 4) as it takes for no other
  // model's figure to print as the winner's.
  int decimals = 2;
  for (const ModelScore& other : backtest.scores) {
    if (&other == &win || other.skipped.has_value() || other.forecasts == 0) continue;
    while (decimals < 4 && !Tied(Key(other), Key(win)) &&
           Fixed(Key(other), decimals) == Fixed(Key(win), decimals)) {
      ++decimals;
    }
  }
  const std::string value = Fixed(Key(win), decimals);
  const int steps = std::min(backtest.horizon, backtest.holdout_months);
  const std::string ahead_en =
      steps == 1 ? "1 month ahead" : absl::StrCat("1–", steps, " months ahead");
  const std::string ahead_zh = steps == 1 ? "提前 1 个月" : absl::StrCat("提前 1–", steps, " 个月");

  BilingualText out;
  out.en = absl::StrCat(name.en, ": lowest ", metric, " ", value, " over ", backtest.holdout_months,
                        " held-out months (", win.forecasts, " forecasts, ", ahead_en, ")");
  out.zh = absl::StrCat(name.zh, "：在 ", backtest.holdout_months, " 个留出月份上 ", metric,
                        " 最低，为 ", value, "（共 ", win.forecasts, " 次预测，", ahead_zh, "）");
  if (mase && backtest.scale.lag == 1) {
    absl::StrAppend(&out.en, ", MASE against naive as the months before them are a year or less");
    absl::StrAppend(&out.zh, "（留出月份之前的数据不超过一年，MASE 以朴素法为基准）");
  }
  if (!mase) {
    const bool seasonal = backtest.scale.lag > 1;
    absl::StrAppend(&out.en, ", MASE being undefined as the ",
                    seasonal ? "seasonal naive" : "naive",
                    " forecast of the months before them is exact");
    absl::StrAppend(&out.zh, "（留出月份之前的", seasonal ? "季节性朴素" : "朴素",
                    "预测完全准确，MASE 无定义）");
  }
  // A tie won by simplicity is said so.
  for (size_t r = 1; r < ranking.size(); ++r) {
    const ModelScore& other = backtest.scores[static_cast<size_t>(ranking[r])];
    if (other.skipped.has_value() || other.forecasts == 0 || !Tied(Key(other), Key(win))) continue;
    absl::StrAppend(&out.en, ", tied with ", models[static_cast<size_t>(ranking[r])]->name().en,
                    " and chosen as the simpler");
    absl::StrAppend(&out.zh, "，与 ", models[static_cast<size_t>(ranking[r])]->name().zh,
                    " 并列，选择较简单的模型");
    break;
  }
  if (win.mape.has_value()) {
    absl::StrAppend(&out.en, "; MAPE ", Fixed(*win.mape, 1), " %");
    absl::StrAppend(&out.zh, "；MAPE ", Fixed(*win.mape, 1), "%");
  } else {
    absl::StrAppend(&out.en, "; MAPE undefined");
    absl::StrAppend(&out.zh, "；MAPE 无定义");
  }
  if (win.mape_zero_actuals > 0) {
    absl::StrAppend(&out.en, " (", win.mape_zero_actuals, " zero months left out)");
    absl::StrAppend(&out.zh, "（", win.mape_zero_actuals, " 个实际值为 0 的月份未计入）");
  }
  const bool low = win.bias > 0;
  const std::string bias = win.bias_percent.has_value()
                               ? absl::StrCat(Signed(*win.bias_percent, 1), " %")
                               : Signed(win.bias, 2);
  const std::string bias_zh = win.bias_percent.has_value()
                                  ? absl::StrCat(Signed(*win.bias_percent, 1), "%")
                                  : Signed(win.bias, 2);
  absl::StrAppend(
      &out.en, ", bias ", bias,
      win.bias == 0 ? "" : (low ? " (forecasts below actuals)" : " (forecasts above actuals)"),
      ", ", Percent(backtest.level), " % interval covered ", Percent(win.coverage), " %");
  absl::StrAppend(&out.zh, "，偏差 ", bias_zh,
                  win.bias == 0 ? "" : (low ? "（预测低于实际）" : "（预测高于实际）"), "，",
                  Percent(backtest.level), "% 预测区间覆盖率 ", Percent(win.coverage), "%");

  std::vector<std::string> others_en;
  std::vector<std::string> others_zh;
  std::vector<std::string> skipped_en;
  std::vector<std::string> skipped_zh;
  for (size_t i = 0; i < backtest.scores.size(); ++i) {
    if (static_cast<int>(i) == best) continue;
    const ModelScore& score = backtest.scores[i];
    const BilingualText other = models[i]->name();
    if (score.skipped.has_value()) {
      skipped_en.push_back(absl::StrCat(other.en, " (", score.skipped->en, ")"));
      skipped_zh.push_back(absl::StrCat(other.zh, "（", score.skipped->zh, "）"));
    } else {
      others_en.push_back(absl::StrCat(other.en, " ", Fixed(Key(score), decimals)));
      others_zh.push_back(absl::StrCat(other.zh, " ", Fixed(Key(score), decimals)));
    }
  }
  absl::StrAppend(&out.en, ".");
  absl::StrAppend(&out.zh, "。");
  if (!others_en.empty()) {
    absl::StrAppend(&out.en, " Others: ", absl::StrJoin(others_en, ", "), ".");
    absl::StrAppend(&out.zh, "其他模型：", absl::StrJoin(others_zh, "，"), "。");
  }
  if (!skipped_en.empty()) {
    absl::StrAppend(&out.en, " Not evaluated: ", absl::StrJoin(skipped_en, "; "), ".");
    absl::StrAppend(&out.zh, "未评估：", absl::StrJoin(skipped_zh, "；"), "。");
  }
  return out;
}

}  // namespace

MaseScale ComputeMaseScale(absl::Span<const double> history, int season_length) {
  const size_t n = history.size();
  if (n < 2) return {};
  const size_t lag = season_length >= 2 && n > static_cast<size_t>(season_length)
                         ? static_cast<size_t>(season_length)
                         : size_t{1};
  double sum = 0;
  for (size_t t = lag; t < n; ++t) sum += std::abs(history[t] - history[t - lag]);
  MaseScale scale;
  scale.lag = static_cast<int>(lag);
  scale.terms = static_cast<int>(n - lag);
  scale.mae = sum / static_cast<double>(scale.terms);
  return scale;
}

absl::StatusOr<BacktestResult> Backtest(const MonthlySeries& series,
                                        absl::Span<const ForecastModel* const> models,
                                        const BacktestOptions& options) {
  if (absl::Status status = ValidateSeries(series, 0); !status.ok()) return status;
  if (absl::Status status = ValidateBacktestOptions(options); !status.ok()) return status;
  if (absl::Status status = ValidateModels(models); !status.ok()) return status;
  const int n = static_cast<int>(series.values.size());
  BacktestResult result;
  result.holdout_months = std::max(0, std::min(options.holdout_months, n - kMinWindow));
  result.horizon = options.horizon;
  result.level = options.level;
  result.scale = ComputeMaseScale(
      absl::MakeConstSpan(series.values).first(static_cast<size_t>(n - result.holdout_months)),
      options.season_length);
  result.scores.resize(models.size());
  for (size_t i = 0; i < models.size(); ++i) {
    ModelScore& score = result.scores[i];
    score.model_id = std::string(models[i]->id());
    score.model_name = models[i]->name();
    score.complexity = models[i]->complexity();
    if (result.holdout_months == 0) {
      score.skipped = BilingualText{
          absl::StrCat("no back-test: ", n, " months of history, a back-test needs at least ",
                       kMinWindow + 1),
          absl::StrCat("未做回测：历史数据 ", n, " 个月，回测至少需要 ", kMinWindow + 1, " 个月")};
      continue;
    }
    ScoreModel(series, *models[i], options, result.holdout_months, result.scale, score);
  }
  return result;
}

absl::StatusOr<ModelChoice> ChooseModel(const MonthlySeries& series,
                                        absl::Span<const ForecastModel* const> models,
                                        const BacktestResult& backtest) {
  if (absl::Status status = ValidateModels(models); !status.ok()) return status;
  if (backtest.scores.size() != models.size()) {
    return absl::InvalidArgumentError(absl::StrCat("backtest.scores: ", backtest.scores.size(),
                                                   " scores for ", models.size(), " models"));
  }
  std::vector<int> evaluated;
  for (size_t i = 0; i < models.size(); ++i) {
    const ModelScore& score = backtest.scores[i];
    if (!score.skipped.has_value() && score.forecasts > 0) evaluated.push_back(static_cast<int>(i));
  }
  // Selection sort by preference: a handful of candidates.
  ModelChoice choice;
  while (!evaluated.empty()) {
    auto best = evaluated.begin();
    for (auto it = evaluated.begin() + 1; it != evaluated.end(); ++it) {
      if (Preferred(backtest, *it, *best)) best = it;
    }
    choice.ranking.push_back(*best);
    evaluated.erase(best);
  }
  const bool backtested = !choice.ranking.empty();
  if (backtested) choice.reason = EvaluatedReason(models, backtest, choice.ranking);

  // Then the models not evaluated that fit the whole history, simplest
  // first: the choice without a back-test, and the last fallbacks.
  const std::vector<ExogenousView> past =
      ExogenousViews(series, 0, static_cast<int>(series.values.size()));
  const SeriesView whole{series.values, past};
  std::vector<int> rest;
  std::vector<std::string> why_en;
  std::vector<std::string> why_zh;
  for (size_t i = 0; i < models.size(); ++i) {
    if (std::find(choice.ranking.begin(), choice.ranking.end(), static_cast<int>(i)) !=
        choice.ranking.end()) {
      continue;
    }
    if (std::optional<BilingualText> why = models[i]->Unsuitable(whole)) {
      why_en.push_back(absl::StrCat(models[i]->name().en, ": ", why->en));
      why_zh.push_back(absl::StrCat(models[i]->name().zh, "：", why->zh));
      continue;
    }
    rest.push_back(static_cast<int>(i));
  }
  std::stable_sort(rest.begin(), rest.end(), [&](int a, int b) {
    return models[static_cast<size_t>(a)]->complexity() <
           models[static_cast<size_t>(b)]->complexity();
  });
  choice.ranking.insert(choice.ranking.end(), rest.begin(), rest.end());
  if (choice.ranking.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no candidate model fits this series: ", absl::StrJoin(why_en, "; ")));
  }
  choice.index = choice.ranking.front();
  if (!backtested) {
    const BilingualText name = models[static_cast<size_t>(choice.index)]->name();
    const ModelScore& score = backtest.scores[static_cast<size_t>(choice.index)];
    const bool short_history = backtest.holdout_months == 0;
    choice.reason.en = absl::StrCat(name.en, ": the simplest model that fits, as ",
                                    short_history ? score.skipped.value_or(BilingualText{}).en
                                                  : "every model was skipped in the back-test",
                                    ".");
    choice.reason.zh = absl::StrCat(
        name.zh, "：能拟合的最简单模型，因为",
        short_history ? score.skipped.value_or(BilingualText{}).zh : "回测中所有模型均被跳过",
        "。");
  }
  return choice;
}

absl::StatusOr<SeriesForecast> ForecastSeries(const MonthlySeries& series,
                                              absl::Span<const ForecastModel* const> models,
                                              const ForecastOptions& options) {
  if (absl::Status status = ValidateHorizon(options.horizon); !status.ok()) return status;
  if (absl::Status status = ValidateLevel(options.level); !status.ok()) return status;
  if (absl::Status status = ValidateSeries(series, options.horizon); !status.ok()) return status;
  BacktestOptions backtest_options = options.backtest;
  backtest_options.level = options.level;
  absl::StatusOr<BacktestResult> backtest = Backtest(series, models, backtest_options);
  if (!backtest.ok()) return backtest.status();
  absl::StatusOr<ModelChoice> choice = ChooseModel(series, models, *backtest);
  if (!choice.ok()) return choice.status();

  const int n = static_cast<int>(series.values.size());
  const std::vector<ExogenousView> past = ExogenousViews(series, 0, n);
  const std::vector<ExogenousView> future = ExogenousViews(series, n, options.horizon);
  const SeriesView whole{series.values, past};
  BilingualText failures;
  for (int index : choice->ranking) {
    const ForecastModel& model = *models[static_cast<size_t>(index)];
    absl::StatusOr<std::unique_ptr<FittedModel>> fitted = model.Fit(whole);
    absl::StatusOr<IntervalForecast> forecast =
        fitted.ok() ? (*fitted)->Forecast(options.horizon, options.level, future)
                    : absl::StatusOr<IntervalForecast>(fitted.status());
    if (!forecast.ok()) {
      absl::StrAppend(&failures.en, " ", model.name().en,
                      " could not be fitted to the whole history (", forecast.status().message(),
                      ").");
      absl::StrAppend(&failures.zh, model.name().zh, " 无法拟合全部历史数据（",
                      forecast.status().message(), "）。");
      continue;
    }
    SeriesForecast out;
    out.key = series.key;
    out.model_id = std::string(model.id());
    out.model_name = model.name();
    out.model_description = (*fitted)->description();
    out.parameters = (*fitted)->parameters();
    out.interval_method = (*fitted)->interval_method();
    out.level = options.level;
    out.months.resize(static_cast<size_t>(options.horizon));
    for (int s = 0; s < options.horizon; ++s) {
      const size_t i = static_cast<size_t>(s);
      out.months[i] = {AddMonths(series.first_month, n + s), s + 1, forecast->point[i],
                       forecast->lower[i], forecast->upper[i]};
    }
    const ModelScore& score = backtest->scores[static_cast<size_t>(index)];
    if (!score.skipped.has_value() && score.forecasts > 0) out.metrics = score;
    out.reason = choice->reason;
    if (!failures.en.empty()) {
      out.reason.en = absl::StrCat("Using ", model.name().en, ":", failures.en,
                                   " Chosen first: ", out.reason.en);
      out.reason.zh =
          absl::StrCat("使用 ", model.name().zh, "：", failures.zh, "原先选择：", out.reason.zh);
    }
    out.scale = ComputeMaseScale(series.values, backtest_options.season_length);
    out.backtest = *std::move(backtest);
    return out;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("no candidate model could be fitted:", failures.en));
}

std::vector<std::unique_ptr<ForecastModel>> DefaultForecastModels() {
  std::vector<std::unique_ptr<ForecastModel>> models;
  models.push_back(std::make_unique<SeasonalNaive>());
  for (Seasonality seasonality : {Seasonality::kAdditive, Seasonality::kMultiplicative}) {
    for (Trend trend : {Trend::kAdditive, Trend::kDamped}) {
      HoltWintersOptions options;
      options.spec.seasonality = seasonality;
      options.spec.trend = trend;
      absl::StatusOr<std::unique_ptr<HoltWinters>> model = HoltWinters::Create(options);
      // The default options are valid; a failure here is a programming error.
      if (!model.ok()) std::abort();
      models.push_back(*std::move(model));
    }
  }
  // Unsuitable for a series without visits and prescriptions, which the
  // back-test records as a skip: such series are chosen for as before.
  models.push_back(std::make_unique<RegressionForecast>());
  return models;
}

std::vector<const ForecastModel*> ModelPointers(
    const std::vector<std::unique_ptr<ForecastModel>>& models) {
  std::vector<const ForecastModel*> pointers;
  pointers.reserve(models.size());
  for (const std::unique_ptr<ForecastModel>& model : models) pointers.push_back(model.get());
  return pointers;
}

}  // namespace pharmacrm::analytics

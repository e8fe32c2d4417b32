#include "pharmacrm/analytics/seasonal_naive.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "src/forecast_internal.h"

namespace pharmacrm::analytics {
namespace {

constexpr int kMinHistory = 2;

class FittedSeasonalNaive final : public FittedModel {
 public:
  FittedSeasonalNaive(int season_length, int lag, std::vector<double> last, double sigma,
                      std::vector<double> fitted, size_t history)
      : season_length_(season_length),
        lag_(lag),
        last_(std::move(last)),
        sigma_(sigma),
        fitted_(std::move(fitted)),
        history_(history) {}

  absl::StatusOr<IntervalForecast> Forecast(int horizon, double level,
                                            absl::Span<const ExogenousView>) const override {
    if (absl::Status status = ValidateHorizon(horizon); !status.ok()) return status;
    if (absl::Status status = ValidateLevel(level); !status.ok()) return status;
    std::vector<double> point(static_cast<size_t>(horizon));
    std::vector<double> factor(static_cast<size_t>(horizon));
    for (int h = 1; h <= horizon; ++h) {
      // last_ holds the final `lag_` months; month n+h repeats month
      // n+h-lag(k+1), i.e. last_[(h-1) mod lag].
      point[static_cast<size_t>(h - 1)] = last_[static_cast<size_t>((h - 1) % lag_)];
      // Seasonal: σ²(k+1), k = floor((h-1)/m); naive: σ² h.
      factor[static_cast<size_t>(h - 1)] =
          lag_ == 1 ? static_cast<double>(h) : static_cast<double>((h - 1) / lag_ + 1);
    }
    return forecast_internal::NormalIntervals(level, std::move(point), sigma_, factor);
  }

  absl::Span<const double> fitted() const override { return fitted_; }

  std::vector<ModelParameter> parameters() const override {
    return {{"lag", static_cast<double>(lag_)}, {"sigma", sigma_}};
  }

  BilingualText description() const override {
    if (lag_ != 1) {
      return {absl::StrCat("seasonal naive (lag ", lag_, ")"),
              absl::StrCat("季节性朴素法（滞后 ", lag_, " 个月）")};
    }
    return {absl::StrCat("naive (lag 1): ", history_, " months of history, seasonal naive needs ",
                         season_length_ + 1),
            absl::StrCat("朴素法（滞后 1 个月）：历史数据 ", history_, " 个月，季节性朴素法需要 ",
                         season_length_ + 1, " 个月")};
  }

  BilingualText interval_method() const override {
    if (lag_ != 1) {
      return {"analytical, normal errors: variance σ²(k+1) at h months ahead, k = floor((h-1)/m)",
              "解析法（正态误差）：提前 h 个月的方差为 σ²(k+1)，k = floor((h-1)/m)"};
    }
    return {"analytical, normal errors: variance σ²h at h months ahead",
            "解析法（正态误差）：提前 h 个月的方差为 σ²h"};
  }

 private:
  int season_length_;
  int lag_;
  std::vector<double> last_;
  double sigma_;
  std::vector<double> fitted_;
  size_t history_;
};

}  // namespace

SeasonalNaive::SeasonalNaive(int season_length) : season_length_(std::max(2, season_length)) {}

BilingualText SeasonalNaive::name() const { return {"seasonal naive", "季节性朴素法"}; }

std::optional<BilingualText> SeasonalNaive::Unsuitable(const SeriesView& history) const {
  if (history.values.size() < kMinHistory) {
    return BilingualText{absl::StrCat("needs at least ", kMinHistory, " months of history, has ",
                                      history.values.size()),
                         absl::StrCat("至少需要 ", kMinHistory, " 个月的历史数据，现有 ",
                                      history.values.size(), " 个月")};
  }
  return std::nullopt;
}

absl::StatusOr<std::unique_ptr<FittedModel>> SeasonalNaive::Fit(const SeriesView& history) const {
  const absl::Span<const double> y = history.values;
  if (absl::Status status = ValidateValues(y); !status.ok()) return status;
  if (std::optional<BilingualText> why = Unsuitable(history)) {
    return absl::FailedPreconditionError(why->en);
  }
  const size_t n = y.size();
  // Residuals need a month beyond the first season.
  const size_t lag =
      n > static_cast<size_t>(season_length_) ? static_cast<size_t>(season_length_) : size_t{1};
  std::vector<double> fitted(n, std::numeric_limits<double>::quiet_NaN());
  double sse = 0;
  for (size_t t = lag; t < n; ++t) {
    fitted[t] = y[t - lag];
    const double e = y[t] - y[t - lag];
    sse += e * e;
  }
  const double sigma = std::sqrt(sse / static_cast<double>(n - lag));
  std::vector<double> last(y.end() - static_cast<std::ptrdiff_t>(lag), y.end());
  return std::make_unique<FittedSeasonalNaive>(season_length_, static_cast<int>(lag),
                                               std::move(last), sigma, std::move(fitted), n);
}

}  // namespace pharmacrm::analytics

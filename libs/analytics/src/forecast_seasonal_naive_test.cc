#include <cmath>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/analytics/forecast.h"
#include "pharmacrm/analytics/seasonal_naive.h"

namespace pharmacrm::analytics {
namespace {

using ::testing::HasSubstr;

// The 26-month toy series of docs/ANALYTICS.md's worked example:
// year 2 is year 1 plus 1, and months 25 and 26 are months 13 and 14 plus 1
// and plus 2.
const std::vector<double> kToy = {10, 12, 14, 11, 13, 15, 12, 14, 16, 13, 15, 17,  // year 1
                                  11, 13, 15, 12, 14, 16, 13, 15, 17, 14, 16, 18,  // year 2
                                  12, 15};                                         // 25, 26

// z for an 80 % interval: the normal quantile of 0.9.
constexpr double kZ80 = 1.2815515655446004;

TEST(SeasonalNaive, RepeatsTheSameMonthAYearEarlierWithItsAnalyticalInterval) {
  const SeasonalNaive model;
  auto fitted = model.Fit({kToy, {}});
  ASSERT_TRUE(fitted.ok()) << fitted.status();
  auto forecast = (*fitted)->Forecast(13, 0.8, {});
  ASSERT_TRUE(forecast.ok()) << forecast.status();

  // By hand: month 27 repeats month 15 (15), 28 month 16 (12), 29 month 17
  // (14); month 39 (h = 13) repeats month 27's source again, month 15.
  EXPECT_DOUBLE_EQ(forecast->point[0], 15);
  EXPECT_DOUBLE_EQ(forecast->point[1], 12);
  EXPECT_DOUBLE_EQ(forecast->point[2], 14);
  EXPECT_DOUBLE_EQ(forecast->point[12], 15);

  // Residuals y_t - y_{t-12}, t = 13..26: twelve 1s (year 2), then 12-11 = 1
  // and 15-13 = 2. SSE = 13·1 + 4 = 17 over 26 - 12 = 14 months:
  // σ = sqrt(17/14) = 1.1019463. 80 %: 15 ± 1.2815516 · 1.1019463
  // = 15 ± 1.4122010; at h = 13 (k = 1) the half-width is √2 times that.
  const double sigma = std::sqrt(17.0 / 14.0);
  EXPECT_NEAR(forecast->lower[0], 13.587798955592802, 1e-12);
  EXPECT_NEAR(forecast->upper[0], 16.412201044407198, 1e-12);
  EXPECT_NEAR(forecast->upper[12] - forecast->point[12], kZ80 * sigma * std::sqrt(2.0), 1e-12);
  // Months 1..12 ahead share the width.
  EXPECT_NEAR(forecast->upper[11] - forecast->lower[11], forecast->upper[0] - forecast->lower[0],
              1e-12);
  EXPECT_EQ((*fitted)->description().en, "seasonal naive (lag 12)");
  EXPECT_THAT((*fitted)->interval_method().en, HasSubstr("σ²(k+1)"));
}

TEST(SeasonalNaive, FittedValuesAreTheMonthAYearEarlier) {
  const SeasonalNaive model;
  auto fitted = model.Fit({kToy, {}});
  ASSERT_TRUE(fitted.ok());
  const auto values = (*fitted)->fitted();
  ASSERT_EQ(values.size(), kToy.size());
  for (size_t t = 0; t < 12; ++t) EXPECT_TRUE(std::isnan(values[t])) << t;
  for (size_t t = 12; t < kToy.size(); ++t) EXPECT_EQ(values[t], kToy[t - 12]) << t;
}

TEST(SeasonalNaive, FallsBackToNaiveUnderAYearPlusAMonth) {
  // 8 months: every month ahead is the last (15). Differences 2, -1, 2, -1,
  // 2, -1, 2: SSE = 4·4 + 3·1 = 19 over 7, σ² = 19/7, variance σ² h.
  const std::vector<double> y = {10, 12, 11, 13, 12, 14, 13, 15};
  const SeasonalNaive model;
  auto fitted = model.Fit({y, {}});
  ASSERT_TRUE(fitted.ok()) << fitted.status();
  auto forecast = (*fitted)->Forecast(3, 0.8, {});
  ASSERT_TRUE(forecast.ok());
  const double sigma = std::sqrt(19.0 / 7.0);
  for (int h = 1; h <= 3; ++h) {
    EXPECT_DOUBLE_EQ(forecast->point[static_cast<size_t>(h - 1)], 15);
    EXPECT_NEAR(forecast->upper[static_cast<size_t>(h - 1)], 15 + kZ80 * sigma * std::sqrt(h),
                1e-12);
  }
  EXPECT_EQ((*fitted)->description().en,
            "naive (lag 1): 8 months of history, seasonal naive needs 13");
  EXPECT_THAT((*fitted)->description().zh, HasSubstr("朴素法"));
}

TEST(SeasonalNaive, ExactlyOneYearIsStillNaiveForWantOfAResidual) {
  const std::vector<double> year(kToy.begin(), kToy.begin() + 12);
  auto fitted = SeasonalNaive().Fit({year, {}});
  ASSERT_TRUE(fitted.ok());
  EXPECT_THAT((*fitted)->description().en, HasSubstr("naive (lag 1)"));
  // Thirteen months: seasonal, with the single residual 11 - 10 = 1.
  const std::vector<double> thirteen(kToy.begin(), kToy.begin() + 13);
  auto seasonal = SeasonalNaive().Fit({thirteen, {}});
  ASSERT_TRUE(seasonal.ok());
  EXPECT_EQ((*seasonal)->description().en, "seasonal naive (lag 12)");
  auto forecast = (*seasonal)->Forecast(1, 0.8, {});
  ASSERT_TRUE(forecast.ok());
  EXPECT_DOUBLE_EQ(forecast->point[0], 12);  // month 14 repeats month 2
  EXPECT_NEAR(forecast->upper[0] - forecast->point[0], kZ80, 1e-12);
}

TEST(SeasonalNaive, NeedsTwoMonths) {
  const SeasonalNaive model;
  const std::vector<double> one = {5};
  auto why = model.Unsuitable({one, {}});
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->en, "needs at least 2 months of history, has 1");
  EXPECT_THAT(why->zh, HasSubstr("至少需要 2 个月"));
  auto fitted = model.Fit({one, {}});
  EXPECT_EQ(fitted.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(fitted.status().message(), HasSubstr("has 1"));
}

TEST(SeasonalNaive, RejectsBadInputNamingTheField) {
  const SeasonalNaive model;
  auto empty = model.Fit({{}, {}});
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "values: empty");

  std::vector<double> y = kToy;
  y[7] = std::nan("");
  auto nan = model.Fit({y, {}});
  EXPECT_EQ(nan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(nan.status().message(), "values[7]: NaN is not a finite number");

  auto fitted = model.Fit({kToy, {}});
  ASSERT_TRUE(fitted.ok());
  auto zero = (*fitted)->Forecast(0, 0.8, {});
  EXPECT_EQ(zero.status().message(), "horizon: must be at least 1, is 0");
  auto negative = (*fitted)->Forecast(-2, 0.8, {});
  EXPECT_EQ(negative.status().message(), "horizon: must be at least 1, is -2");
  auto level_high = (*fitted)->Forecast(3, 1.2, {});
  EXPECT_EQ(level_high.status().message(), "level: must be strictly between 0 and 1, is 1.2");
  auto level_one = (*fitted)->Forecast(3, 1.0, {});
  EXPECT_EQ(level_one.status().code(), absl::StatusCode::kInvalidArgument);
  auto level_zero = (*fitted)->Forecast(3, 0.0, {});
  EXPECT_EQ(level_zero.status().message(), "level: must be strictly between 0 and 1, is 0");
}

}  // namespace
}  // namespace pharmacrm::analytics

#include "domain/matching/matching.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/matching/regions.h"

namespace pharmacrm::customer_master {

std::string FullAddress(const v1::CustomerProfile& p) {
  return matching::FullAddress(p.province(), p.city(), p.district(), p.address());
}

matching::MatchInput MatchInputFor(const v1::Customer& c, const matching::PinyinConverter& pinyin) {
  const v1::CustomerProfile& p = c.profile();
  matching::MatchInput in;
  in.kind = v1::CustomerKind_Name(p.kind());
  in.name = p.name();
  in.name_pinyin = pinyin.FullPinyin(p.name());
  in.address = FullAddress(p);
  in.phone = p.phone();
  if (p.has_hospital()) in.code = p.hospital().social_credit_code();
  if (p.has_pharmacy()) in.code = p.pharmacy().social_credit_code();
  if (p.has_distributor()) in.code = p.distributor().social_credit_code();
  in.hospital_id = p.hospital_id();
  return in;
}

absl::Status ValidateFindDuplicates(const v1::FindDuplicateCandidatesRequest& r) {
  if (r.customer_id().empty()) return core::FieldError("customer_id", "must be set");
  if (!(r.min_score() >= 0 && r.min_score() <= 1)) {
    return core::FieldError("min_score", "must be between 0 and 1");
  }
  if (r.limit() < 0 || r.limit() > 100) return core::FieldError("limit", "must be 0 (default 20) to 100");
  return absl::OkStatus();
}

std::vector<v1::DuplicateCandidate> RankCandidates(const v1::Customer& subject,
                                                   const std::vector<v1::Customer>& candidates,
                                                   const v1::FindDuplicateCandidatesRequest& request,
                                                   const matching::PinyinConverter& pinyin) {
  double min_score =
      request.min_score() == 0 ? matching::kLikelyDuplicateScore : request.min_score();
  size_t limit = request.limit() == 0 ? 20 : static_cast<size_t>(request.limit());
  matching::MatchInput a = MatchInputFor(subject, pinyin);
  std::vector<v1::DuplicateCandidate> out;
  for (const v1::Customer& c : candidates) {
    if (c.id() == subject.id() || c.status() == v1::CUSTOMER_STATUS_INACTIVE ||
        c.status() == v1::CUSTOMER_STATUS_MERGED) {
      continue;
    }
    matching::MatchResult m = matching::ScorePair(a, MatchInputFor(c, pinyin));
    if (m.score < min_score) continue;
    v1::DuplicateCandidate d;
    *d.mutable_customer() = c;
    d.set_score(m.score);
    for (const matching::MatchReason& r : m.reasons) {
      v1::MatchSignal* s = d.add_reasons();
      s->set_signal(r.signal);
      s->set_score(r.score);
      s->set_detail(r.detail);
    }
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    return x.score() != y.score() ? x.score() > y.score() : x.customer().id() < y.customer().id();
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace pharmacrm::customer_master

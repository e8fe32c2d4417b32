#include "pharmacrm/tabular/csv.h"

namespace pharmacrm::tabular {

void CsvReader::Consume(absl::string_view bytes, CsvHandler& handler) {
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  while (p < end) {
    switch (state_) {
      case State::kFieldStart:
        if (*p == '"') {
          ++p;
          state_ = State::kQuoted;
          quote_line_ = line_;
          prev_cr_ = false;
        } else if (*p == '\n' && prev_cr_) {
          ++p;  // the LF of a CRLF whose CR ended the record
          prev_cr_ = false;
        } else {
          state_ = State::kUnquoted;
        }
        break;
      case State::kUnquoted: {
        const char* run = p;
        while (p < end && *p != ',' && *p != '\n' && *p != '\r') ++p;
        if (p > run) {
          Append(run, p - run);
          prev_cr_ = false;
        }
        if (p == end) break;
        const char c = *p++;
        state_ = State::kFieldStart;
        if (c == ',') {
          NextField();
          prev_cr_ = false;
        } else {
          ++line_;
          prev_cr_ = c == '\r';
          EndRecord(handler);
        }
        break;
      }
      case State::kQuoted: {
        const char* run = p;
        while (p < end && *p != '"' && *p != '\n' && *p != '\r') ++p;
        if (p > run) {
          Append(run, p - run);
          prev_cr_ = false;
        }
        if (p == end) break;
        const char c = *p++;
        if (c == '"') {
          state_ = State::kQuotedQuote;
        } else {
          // A line break inside quotes is data, but still a line of the
          // file for the line numbers.
          if (c == '\r' || !prev_cr_) ++line_;
          Append(&c, 1);
        }
        prev_cr_ = c == '\r';
        break;
      }
      case State::kQuotedQuote:
        if (*p == '"') {
          Append(p, 1);
          ++p;
          state_ = State::kQuoted;
        } else {
          // The quoted part is over; kUnquoted handles the separator or
          // keeps stray text as data.
          state_ = State::kUnquoted;
        }
        break;
    }
  }
}

void CsvReader::End(CsvHandler& handler) {
  if (state_ == State::kQuoted) {
    handler.Unterminated(record_line_, field_count_ - 1, quote_line_);
  } else if (field_count_ > 1 || !fields_[0].empty() || too_long_) {
    EndRecord(handler);
  }
  ResetRecord();
  state_ = State::kFieldStart;
  prev_cr_ = false;
  line_ = 1;
  record_line_ = 1;
  quote_line_ = 0;
}

void CsvReader::Append(const char* s, size_t n) {
  record_bytes_ += n;
  if (record_bytes_ > limits_.max_record_bytes) {
    too_long_ = true;
    return;
  }
  fields_[field_count_ - 1].append(s, n);
}

void CsvReader::NextField() {
  if (++record_bytes_ > limits_.max_record_bytes || field_count_ == limits_.max_fields) {
    too_long_ = true;
    return;
  }
  if (field_count_ == fields_.size()) fields_.emplace_back();
  fields_[field_count_++].clear();
}

void CsvReader::ResetRecord() {
  field_count_ = 1;
  fields_[0].clear();
  record_bytes_ = 0;
  too_long_ = false;
}

void CsvReader::EndRecord(CsvHandler& handler) {
  const int64_t line = record_line_;
  record_line_ = line_;
  if (too_long_) {
    handler.TooLong(line);
  } else {
    handler.Record(line, absl::MakeConstSpan(fields_.data(), field_count_));
  }
  ResetRecord();
}

}  // namespace pharmacrm::tabular

// SPDX-License-Identifier: Apache-2.0
#include "core/metrics/registry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace argus::metrics {

namespace {

/// Adds `x` to an atomic double (no fetch_add for floating point before
/// C++20): a compare-exchange loop, lock-free on x86-64.
void atomic_add(std::atomic<double>& target, double x) {
  auto old = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(old, old + x, std::memory_order_relaxed))
    ; // retry with the value another thread wrote
}

bool name_char(char c, bool first, bool colon) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  bool digit = c >= '0' && c <= '9';
  return alpha || (colon && c == ':') || (!first && digit);
}

bool valid_name(std::string_view x, bool colon) {
  if (x.empty())
    return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (!name_char(x[i], i == 0, colon))
      return false;
  return true;
}

/// Backslash and newline escaped, and the double quote when `quote`
/// (label values; HELP text leaves quotes alone).
std::string escape(std::string_view x, bool quote) {
  std::string out;
  out.reserve(x.size());
  for (char c : x) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"' && quote)
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

void write_labels(std::string& out, const label_pairs& labels) {
  if (labels.empty())
    return;
  out += '{';
  bool first = true;
  for (auto& [k, v] : labels) {
    if (!first)
      out += ',';
    first = false;
    out += k;
    out += "=\"";
    out += escape_label_value(v);
    out += '"';
  }
  out += '}';
}

} // namespace

std::string_view to_string(metric_type x) {
  switch (x) {
  case metric_type::counter:
    return "counter";
  case metric_type::gauge:
    return "gauge";
  case metric_type::histogram:
    return "histogram";
  }
  return "untyped";
}

void gauge::add(double x) {
  atomic_add(value_, x);
}

histogram::histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i)
    counts_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double x) {
  // `le` is inclusive: x lands in the first bucket whose bound is >= x.
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), x);
  counts_[size_t(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, x);
}

std::vector<uint64_t> histogram::cumulative_counts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

std::string format_value(double x) {
  if (std::isnan(x))
    return "NaN";
  if (std::isinf(x))
    return x > 0 ? "+Inf" : "-Inf";
  char buf[32];
  if (x == std::floor(x) && std::fabs(x) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", x);
    return buf;
  }
  // The shortest of %.15g..%.17g that reads back as the same double.
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, x);
    if (std::strtod(buf, nullptr) == x)
      break;
  }
  return buf;
}

std::string escape_label_value(std::string_view x) {
  return escape(x, true);
}

std::string escape_help(std::string_view x) {
  return escape(x, false);
}

bool valid_metric_name(std::string_view x) {
  return valid_name(x, true);
}

bool valid_label_name(std::string_view x) {
  return valid_name(x, false) && x.substr(0, 2) != "__" && x != "le";
}

void text_writer::family(std::string_view name, std::string_view help,
                         metric_type type) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += escape_help(help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += to_string(type);
  out_ += '\n';
}

void text_writer::sample(std::string_view name, const label_pairs& labels,
                         double value) {
  out_ += name;
  write_labels(out_, labels);
  out_ += ' ';
  out_ += format_value(value);
  out_ += '\n';
}

void text_writer::histogram_samples(std::string_view name,
                                    const label_pairs& labels,
                                    const histogram& h) {
  auto counts = h.cumulative_counts();
  auto bucket = std::string(name) + "_bucket";
  auto with_le = labels;
  with_le.emplace_back("le", "");
  for (size_t i = 0; i < counts.size(); ++i) {
    with_le.back().second = i < h.bounds().size() ? format_value(h.bounds()[i])
                                                  : std::string("+Inf");
    sample(bucket, with_le, double(counts[i]));
  }
  sample(std::string(name) + "_sum", labels, h.sum());
  sample(std::string(name) + "_count", labels, double(counts.back()));
}

void write_child(text_writer& out, std::string_view name,
                 const label_pairs& labels, const counter& x) {
  out.sample(name, labels, double(x.value()));
}

void write_child(text_writer& out, std::string_view name,
                 const label_pairs& labels, const gauge& x) {
  out.sample(name, labels, x.value());
}

void write_child(text_writer& out, std::string_view name,
                 const label_pairs& labels, const histogram& x) {
  out.histogram_samples(name, labels, x);
}

family_base::family_base(std::string name, std::string help, metric_type type,
                         std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), type_(type),
      label_names_(std::move(label_names)) {
  if (!valid_metric_name(name_))
    throw std::invalid_argument("invalid metric name '" + name_ + "'");
  for (auto& l : label_names_)
    if (!valid_label_name(l))
      throw std::invalid_argument("invalid label name '" + l + "' of " + name_);
}

void family_base::write(text_writer& out) const {
  if (empty())
    return;
  out.family(name_, help_, type_);
  write_children(out);
}

void family_base::check_values(const std::vector<std::string>& values) const {
  if (values.size() != label_names_.size())
    throw std::invalid_argument(
        name_ + " takes " + std::to_string(label_names_.size())
        + " label value(s), not " + std::to_string(values.size()));
}

label_pairs family_base::pairs(const std::vector<std::string>& values) const {
  label_pairs out;
  out.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    out.emplace_back(label_names_[i], values[i]);
  return out;
}

void registry::reserve_name(const std::string& name) {
  for (auto& f : families_)
    if (f->name() == name)
      throw std::invalid_argument("metric '" + name + "' already exists");
}

counter_family& registry::add_counter(std::string name, std::string help,
                                      std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> guard{mtx_};
  reserve_name(name);
  auto f = std::make_unique<counter_family>(std::move(name), std::move(help),
                                            metric_type::counter,
                                            std::move(label_names));
  auto& result = *f;
  families_.push_back(std::move(f));
  return result;
}

gauge_family& registry::add_gauge(std::string name, std::string help,
                                  std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> guard{mtx_};
  reserve_name(name);
  auto f = std::make_unique<gauge_family>(std::move(name), std::move(help),
                                          metric_type::gauge,
                                          std::move(label_names));
  auto& result = *f;
  families_.push_back(std::move(f));
  return result;
}

histogram_family& registry::add_histogram(std::string name, std::string help,
                                          std::vector<std::string> label_names,
                                          std::vector<double> bounds) {
  if (bounds.empty()
      || std::adjacent_find(bounds.begin(), bounds.end(),
                            [](double a, double b) { return !(a < b); })
             != bounds.end()
      || !std::isfinite(bounds.back()))
    throw std::invalid_argument("histogram " + name
                                + " needs finite, strictly ascending bounds");
  std::lock_guard<std::mutex> guard{mtx_};
  reserve_name(name);
  auto f = std::make_unique<histogram_family>(
      std::move(name), std::move(help), metric_type::histogram,
      std::move(label_names), std::move(bounds));
  auto& result = *f;
  families_.push_back(std::move(f));
  return result;
}

void registry::write(text_writer& out) const {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& f : families_)
    f->write(out);
}

std::string registry::expose() const {
  text_writer out;
  write(out);
  return out.text();
}

} // namespace argus::metrics

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace argus::metrics {

// A small Prometheus client: counters, gauges and fixed-bucket histograms
// with labels, and the text exposition format 0.0.4. Debian 12 ships no
// prometheus-cpp, and argus needs only this much of it.
//
// Families are created once at start (under a mutex); a child (one label
// set) is looked up once and its reference kept: children are never moved
// or freed while the registry lives, and updating one is a relaxed atomic,
// so the hot path takes no lock.

/// The kinds the exposition format names in `# TYPE`.
enum class metric_type { counter, gauge, histogram };

/// "counter", "gauge" or "histogram".
std::string_view to_string(metric_type x);

/// Label name/value pairs of one sample, in the family's label order.
using label_pairs = std::vector<std::pair<std::string, std::string>>;

/// A monotonic count.
class counter {
public:
  void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<uint64_t> value_{0};
};

/// A value that goes up and down.
class gauge {
public:
  void set(double x) { value_.store(x, std::memory_order_relaxed); }
  void add(double x);
  double value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0};
};

/// Observations counted into fixed buckets (upper bounds, ascending; the
/// +Inf bucket is implicit), with their sum.
class histogram {
public:
  explicit histogram(std::vector<double> bounds);

  void observe(double x);

  /// Upper bounds, without +Inf.
  const std::vector<double>& bounds() const { return bounds_; }
  /// Cumulative counts, one per bound and a last one for +Inf (which is
  /// also the total count, so the two always agree in an exposition).
  std::vector<uint64_t> cumulative_counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

private:
  std::vector<double> bounds_;
  /// Per bucket, not cumulative; the last one is +Inf.
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

/// Renders metric families in the text exposition format 0.0.4. Each
/// family must be written whole (its HELP/TYPE, then all its samples)
/// before the next one starts.
class text_writer {
public:
  /// Starts a family: its `# HELP` and `# TYPE` lines.
  void family(std::string_view name, std::string_view help, metric_type type);
  /// One sample line, `name{labels} value`.
  void sample(std::string_view name, const label_pairs& labels, double value);
  /// The samples of one histogram child: its buckets with `le`, then
  /// `_sum` and `_count`.
  void histogram_samples(std::string_view name, const label_pairs& labels,
                         const histogram& h);
  /// The text so far.
  const std::string& text() const { return out_; }

private:
  std::string out_;
};

/// `x` as the exposition writes a sample value: integers without a
/// fraction, "+Inf", "-Inf", "NaN", otherwise the shortest exact form.
std::string format_value(double x);

/// A label value escaped for the exposition (backslash, quote, newline).
std::string escape_label_value(std::string_view x);

/// HELP text escaped for the exposition (backslash, newline).
std::string escape_help(std::string_view x);

/// Whether `x` is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool valid_metric_name(std::string_view x);

/// Whether `x` is a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not
/// starting with "__", which Prometheus reserves, and not "le").
bool valid_label_name(std::string_view x);

/// One child's sample line(s), for family<T>::write.
void write_child(text_writer& out, std::string_view name,
                 const label_pairs& labels, const counter& x);
void write_child(text_writer& out, std::string_view name,
                 const label_pairs& labels, const gauge& x);
void write_child(text_writer& out, std::string_view name,
                 const label_pairs& labels, const histogram& x);

/// One named metric and its children, one per label-value set.
class family_base {
public:
  family_base(std::string name, std::string help, metric_type type,
              std::vector<std::string> label_names);
  virtual ~family_base() = default;

  const std::string& name() const { return name_; }
  metric_type type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  /// Writes the whole family (nothing when it has no children yet: a
  /// family without samples says nothing useful).
  void write(text_writer& out) const;

protected:
  /// Throws std::invalid_argument unless `values` fit the label names.
  void check_values(const std::vector<std::string>& values) const;
  label_pairs pairs(const std::vector<std::string>& values) const;
  virtual void write_children(text_writer& out) const = 0;
  virtual bool empty() const = 0;

  mutable std::mutex mtx_;

private:
  std::string name_;
  std::string help_;
  metric_type type_;
  std::vector<std::string> label_names_;
};

/// A family of `T` (counter, gauge or histogram).
template <class T> class family : public family_base {
public:
  template <class... Args>
  family(std::string name, std::string help, metric_type type,
         std::vector<std::string> label_names, Args... child_args)
      : family_base(std::move(name), std::move(help), type,
                    std::move(label_names)),
        make_([=] { return std::make_unique<T>(child_args...); }) {}

  /// The child of these label values (created on first use). Keep the
  /// reference: it stays valid as long as the registry.
  T& with(const std::vector<std::string>& values) {
    check_values(values);
    std::lock_guard<std::mutex> guard{mtx_};
    auto& slot = children_[values];
    if (!slot)
      slot = make_();
    return *slot;
  }

  /// Every child's current value, label values first (for tests and for
  /// views other than the exposition, such as /stats).
  template <class F> void each(F f) const {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& [values, child] : children_)
      f(values, *child);
  }

private:
  void write_children(text_writer& out) const override {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& [values, child] : children_)
      write_child(out, name(), pairs(values), *child);
  }
  bool empty() const override {
    std::lock_guard<std::mutex> guard{mtx_};
    return children_.empty();
  }

  std::function<std::unique_ptr<T>()> make_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> children_;
};

using counter_family = family<counter>;
using gauge_family = family<gauge>;
using histogram_family = family<histogram>;

/// Every family of a process, in the order they were added.
class registry {
public:
  /// Adds a family. Throws std::invalid_argument on a bad or taken name,
  /// a bad label name, or histogram bounds that are empty or not
  /// strictly ascending.
  counter_family& add_counter(std::string name, std::string help,
                              std::vector<std::string> label_names = {});
  gauge_family& add_gauge(std::string name, std::string help,
                          std::vector<std::string> label_names = {});
  histogram_family& add_histogram(std::string name, std::string help,
                                  std::vector<std::string> label_names,
                                  std::vector<double> bounds);

  /// Writes every family with samples.
  void write(text_writer& out) const;

  /// The exposition of every family.
  std::string expose() const;

private:
  void reserve_name(const std::string& name);

  mutable std::mutex mtx_;
  std::vector<std::unique_ptr<family_base>> families_;
};

} // namespace argus::metrics

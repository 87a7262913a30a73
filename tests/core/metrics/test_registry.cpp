// SPDX-License-Identifier: Apache-2.0
#include "core/metrics/argus_metrics.hpp"
#include "core/metrics/registry.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <stdexcept>
#include <thread>

using namespace argus::metrics;

TEST(metrics_registry, counter_family_writes_help_type_and_one_line_per_child) {
  registry reg;
  auto& frames
      = reg.add_counter("argus_frames_total", "Frames seen.", {"camera"});
  frames.with({"cam_01"}).inc();
  frames.with({"cam_01"}).inc(2);
  frames.with({"cam_02"}).inc();
  EXPECT_EQ(reg.expose(), "# HELP argus_frames_total Frames seen.\n"
                          "# TYPE argus_frames_total counter\n"
                          "argus_frames_total{camera=\"cam_01\"} 3\n"
                          "argus_frames_total{camera=\"cam_02\"} 1\n");
}

TEST(metrics_registry, a_family_without_children_writes_nothing) {
  registry reg;
  reg.add_counter("argus_unused_total", "Never counted.", {"camera"});
  auto& up = reg.add_gauge("argus_up", "Always one.");
  up.with({}).set(1);
  EXPECT_EQ(reg.expose(), "# HELP argus_up Always one.\n"
                          "# TYPE argus_up gauge\n"
                          "argus_up 1\n");
}

TEST(metrics_registry, label_values_and_help_are_escaped) {
  registry reg;
  auto& g = reg.add_gauge("argus_odd", "A \\ back\nslash.", {"name"});
  g.with({"a\"b\\c\nd"}).set(-2.5);
  EXPECT_EQ(reg.expose(), "# HELP argus_odd A \\\\ back\\nslash.\n"
                          "# TYPE argus_odd gauge\n"
                          "argus_odd{name=\"a\\\"b\\\\c\\nd\"} -2.5\n");
}

TEST(metrics_registry, histogram_buckets_are_cumulative_with_inf_sum_count) {
  registry reg;
  auto& h = reg.add_histogram("argus_latency_seconds", "Latency.", {"camera"},
                              {0.125, 0.25, 1});
  auto& c = h.with({"cam_01"});
  c.observe(0.125); // `le` is inclusive
  c.observe(0.25);
  c.observe(0.5);
  c.observe(7);
  EXPECT_EQ(reg.expose(),
            "# HELP argus_latency_seconds Latency.\n"
            "# TYPE argus_latency_seconds histogram\n"
            "argus_latency_seconds_bucket{camera=\"cam_01\",le=\"0.125\"} 1\n"
            "argus_latency_seconds_bucket{camera=\"cam_01\",le=\"0.25\"} 2\n"
            "argus_latency_seconds_bucket{camera=\"cam_01\",le=\"1\"} 3\n"
            "argus_latency_seconds_bucket{camera=\"cam_01\",le=\"+Inf\"} 4\n"
            "argus_latency_seconds_sum{camera=\"cam_01\"} 7.875\n"
            "argus_latency_seconds_count{camera=\"cam_01\"} 4\n");
}

TEST(metrics_registry, values_are_written_in_their_shortest_exact_form) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(42), "42");
  EXPECT_EQ(format_value(-3), "-3");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_value(1e20), "1e+20");
  EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(metrics_registry, names_labels_and_bounds_are_checked) {
  registry reg;
  EXPECT_THROW(reg.add_counter("9lives_total", "x"), std::invalid_argument);
  EXPECT_THROW(reg.add_counter("a-b_total", "x"), std::invalid_argument);
  EXPECT_THROW(reg.add_counter("ok_total", "x", {"__reserved"}),
               std::invalid_argument);
  EXPECT_THROW(reg.add_histogram("h_seconds", "x", {"le"}, {1}),
               std::invalid_argument);
  EXPECT_THROW(reg.add_histogram("h_seconds", "x", {}, {}),
               std::invalid_argument);
  EXPECT_THROW(reg.add_histogram("h_seconds", "x", {}, {1, 1}),
               std::invalid_argument);
  auto& c = reg.add_counter("ns:ok_total", "x", {"camera", "kind"});
  EXPECT_THROW(reg.add_gauge("ns:ok_total", "x"), std::invalid_argument);
  EXPECT_THROW(c.with({"only_one"}), std::invalid_argument);
  EXPECT_NO_THROW(c.with({"cam", "move"}).inc());
  EXPECT_TRUE(valid_metric_name("argus:x_1"));
  EXPECT_FALSE(valid_label_name("a:b"));
}

TEST(metrics_registry, children_keep_their_address_as_others_are_added) {
  registry reg;
  auto& f = reg.add_counter("argus_c_total", "x", {"camera"});
  auto* first = &f.with({"a"});
  for (int i = 0; i < 100; ++i)
    f.with({"cam_" + std::to_string(i)});
  EXPECT_EQ(first, &f.with({"a"}));
}

TEST(metrics_registry, two_threads_count_and_observe_without_losing_any) {
  registry reg;
  auto& c = reg.add_counter("argus_c_total", "x", {"camera"});
  auto& g = reg.add_gauge("argus_g", "x");
  auto& h = reg.add_histogram("argus_h_seconds", "x", {}, {0.5, 1});
  constexpr int n = 100000;
  auto work = [&](std::string camera) {
    // Looked up on every call, as a late child would be, and kept too.
    auto& mine = c.with({"shared"});
    for (int i = 0; i < n; ++i) {
      mine.inc();
      c.with({camera}).inc();
      g.with({}).add(1);
      h.with({}).observe(0.25);
    }
  };
  std::thread a{work, "cam_a"};
  std::thread b{work, "cam_b"};
  a.join();
  b.join();
  EXPECT_EQ(c.with({"shared"}).value(), uint64_t(2 * n));
  EXPECT_EQ(c.with({"cam_a"}).value(), uint64_t(n));
  EXPECT_EQ(c.with({"cam_b"}).value(), uint64_t(n));
  EXPECT_EQ(g.with({}).value(), 2.0 * n);
  auto counts = h.with({}).cumulative_counts();
  EXPECT_EQ(counts.front(), uint64_t(2 * n));
  EXPECT_EQ(counts.back(), uint64_t(2 * n));
  EXPECT_EQ(h.with({}).sum(), 0.25 * 2 * n);
}

TEST(metrics_registry, the_writer_renders_families_built_at_scrape_time) {
  text_writer out;
  out.family("argus_viewers", "Viewers now.", metric_type::gauge);
  out.sample("argus_viewers", {{"camera", "cam_01"}}, 2);
  EXPECT_EQ(out.text(), "# HELP argus_viewers Viewers now.\n"
                        "# TYPE argus_viewers gauge\n"
                        "argus_viewers{camera=\"cam_01\"} 2\n");
}

TEST(argus_metrics, every_series_of_a_camera_is_exposed_with_promtool_names) {
  auto m = std::make_shared<argus::argus_metrics>();
  auto s = argus::series_of(m, "cam_01");
  ASSERT_TRUE(s);
  s.frames_in->inc();
  s.end_to_end_latency->observe(0.04);
  m->ws_closes.with({"session", "client", "normal"}).inc();
  m->ptz_commands.with({"cam_01", "move", "ok"}).inc();
  auto text = m->registry.expose();
  EXPECT_NE(text.find("argus_session_frames_in_total{camera=\"cam_01\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("argus_end_to_end_latency_seconds_bucket{camera=\"cam_"
                      "01\",le=\"0.05\"} 1\n"),
            std::string::npos);
  // promtool's lint: counters end in _total, durations are in seconds.
  for (size_t at = text.find("# TYPE "); at != std::string::npos;
       at = text.find("# TYPE ", at + 1)) {
    auto line = text.substr(at, text.find('\n', at) - at);
    if (line.find(" counter") != std::string::npos) {
      EXPECT_NE(line.find("_total counter"), std::string::npos) << line;
    }
    if (line.find(" histogram") != std::string::npos) {
      EXPECT_NE(line.find("_seconds histogram"), std::string::npos) << line;
    }
  }
  EXPECT_FALSE(argus::series_of(nullptr, "cam_01"));
}

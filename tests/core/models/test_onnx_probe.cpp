// SPDX-License-Identifier: Apache-2.0
#include "core/models/onnx_probe.hpp"
#include "messages/error.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <iterator>

using namespace argus;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string model(const char* name) {
  return read_file(std::string(ARGUS_SOURCE_DIR) + "/models/" + name);
}

} // namespace

TEST(onnx_probe, reads_the_shipped_models_shapes) {
  auto s = probe_onnx(model("argus-sky.onnx"));
  ASSERT_TRUE(s) << error_detail(s.error());
  EXPECT_EQ(s->ir_version, 7);
  EXPECT_EQ(s->producer, "pytorch");
  ASSERT_EQ(s->inputs.size(), 1u);
  EXPECT_EQ(s->inputs[0].name, "images");
  EXPECT_EQ(s->inputs[0].dims, (std::vector<int64_t>{1, 3, 512, 640}));
  ASSERT_EQ(s->outputs.size(), 1u);
  EXPECT_EQ(s->outputs[0].dims, (std::vector<int64_t>{1, 8, 6400}));
  EXPECT_GT(s->nodes, 10);
  // The re-export at 320x256 (scripts/export_model_size.py).
  auto small = probe_onnx(model("argus-sky-320.onnx"));
  ASSERT_TRUE(small) << error_detail(small.error());
  EXPECT_EQ(small->inputs[0].dims, (std::vector<int64_t>{1, 3, 256, 320}));
  EXPECT_EQ(small->outputs[0].dims, (std::vector<int64_t>{1, 8, 1600}));
}

TEST(onnx_probe, refuses_what_is_not_onnx) {
  EXPECT_FALSE(probe_onnx(""));
  EXPECT_FALSE(probe_onnx("GIF89a this is a picture"));
  EXPECT_FALSE(probe_onnx("{\"json\": true}"));
  EXPECT_FALSE(probe_onnx(std::string(1000, '\0')));
  auto r = probe_onnx(std::string_view("\x08\x07", 2)); // no graph
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), ec::invalid_argument);
  EXPECT_NE(error_detail(r.error()).find("no graph"), std::string::npos);
}

TEST(onnx_probe, refuses_a_truncated_model) {
  auto bytes = model("argus-sky.onnx");
  for (size_t cut : {bytes.size() / 2, bytes.size() - 1, size_t(64)}) {
    auto r = probe_onnx(std::string_view(bytes).substr(0, cut));
    EXPECT_FALSE(r) << "cut at " << cut;
  }
}

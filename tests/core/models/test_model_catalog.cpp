// SPDX-License-Identifier: Apache-2.0
// The catalog over a temporary copy of the shipped models.
#include "core/models/model_catalog.hpp"
#include "messages/error.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <unistd.h>

using namespace argus;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class model_catalog_test : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path()
          / ("argus-models-" + std::to_string(::getpid()) + "-"
             + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::path src = fs::path(ARGUS_SOURCE_DIR) / "models";
    for (auto f : {"argus-sky.onnx", "argus-sky.names"})
      fs::copy_file(src / f, dir / f);
    small = read_file(src / "argus-sky-320.onnx");
    base.model = (dir / "argus-sky.onnx").string();
    base.names = (dir / "argus-sky.names").string();
    base.classifier = "";
  }
  void TearDown() override { fs::remove_all(dir); }

  model_catalog make(size_t max_bytes = 8 << 20) {
    return model_catalog(base, dir.string(), max_bytes);
  }

  fs::path dir;
  std::string small;
  detector_config base;
};

} // namespace

TEST(model_names, are_plain_file_names) {
  EXPECT_TRUE(valid_model_name("argus-sky_2.v1"));
  EXPECT_FALSE(valid_model_name(""));
  EXPECT_FALSE(valid_model_name(".hidden"));
  EXPECT_FALSE(valid_model_name("../etc/passwd"));
  EXPECT_FALSE(valid_model_name("a/b"));
  EXPECT_FALSE(valid_model_name("sp ace"));
  EXPECT_FALSE(valid_model_name("upload"));
  EXPECT_FALSE(valid_model_name(std::string(129, 'a')));
  EXPECT_EQ(model_stem("models/argus-sky.onnx"), "argus-sky");
}

TEST_F(model_catalog_test, lists_the_configured_model_as_active) {
  auto cat = make();
  auto list = cat.list();
  ASSERT_EQ(list.size(), 1u);
  auto& m = list[0];
  EXPECT_EQ(m.name, "argus-sky");
  EXPECT_TRUE(m.active);
  EXPECT_FALSE(m.shadow);
  EXPECT_EQ(m.layout, "yolov8");
  EXPECT_EQ(m.input_width, 640);
  EXPECT_EQ(m.input_height, 512);
  EXPECT_EQ(m.classes, (std::vector<std::string>{"drone", "bird", "airplane",
                                                 "helicopter"}));
  EXPECT_GT(m.size_bytes, 100000);
  EXPECT_EQ(m.added_at.size(), 20u); // 2026-11-30T23:04:05Z
  EXPECT_EQ(m.added_at.back(), 'Z');
  EXPECT_TRUE(m.error.empty());
}

TEST_F(model_catalog_test, stores_a_valid_upload_and_detects_its_input) {
  auto cat = make();
  auto added
      = cat.add({"sky-small", small, "drone\nbird\nairplane\nhelicopter\n"});
  ASSERT_TRUE(added) << error_detail(added.error());
  EXPECT_EQ(added->name, "sky-small");
  EXPECT_EQ(added->input_width, 320);
  EXPECT_EQ(added->input_height, 256);
  EXPECT_EQ(added->layout, "yolov8");
  EXPECT_FALSE(added->active);
  EXPECT_EQ(added->size_bytes, int64_t(small.size()));
  EXPECT_EQ(read_file(dir / "sky-small.onnx"), small);
  EXPECT_TRUE(fs::exists(dir / "sky-small.names"));
  // No temporary files are left behind.
  size_t files = 0;
  for (auto& e : fs::directory_iterator(dir)) {
    EXPECT_NE(e.path().filename().string().front(), '.');
    ++files;
  }
  EXPECT_EQ(files, 4u);
  EXPECT_EQ(cat.list().size(), 2u);
}

TEST_F(model_catalog_test, upload_without_names_takes_the_active_ones) {
  auto cat = make();
  auto added = cat.add({"nameless", small, ""});
  ASSERT_TRUE(added) << error_detail(added.error());
  EXPECT_EQ(added->classes.size(), 4u);
  EXPECT_EQ(added->classes[0], "drone");
}

TEST_F(model_catalog_test, refuses_duplicates_bad_names_and_non_models) {
  auto cat = make();
  ASSERT_TRUE(cat.add({"m1", small, ""}));
  auto dup = cat.add({"m1", small, ""});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error(), ec::model_exists);
  auto active = cat.add({"argus-sky", small, ""});
  ASSERT_FALSE(active);
  EXPECT_EQ(active.error(), ec::model_exists);
  auto bad_name = cat.add({"../x", small, ""});
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error(), ec::invalid_argument);
  auto not_onnx = cat.add({"pic", "GIF89a.......", ""});
  ASSERT_FALSE(not_onnx);
  EXPECT_EQ(not_onnx.error(), ec::invalid_argument);
  auto cut = cat.add({"cut", small.substr(0, small.size() / 2), ""});
  ASSERT_FALSE(cut);
  // Loads, but its output does not fit 7 classes in either layout.
  auto misfit = cat.add({"misfit", small, "a\nb\nc\nd\ne\nf\ng\n"});
  ASSERT_FALSE(misfit);
  EXPECT_EQ(misfit.error(), ec::invalid_argument);
  EXPECT_NE(error_detail(misfit.error()).find("OpenCV"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "misfit.onnx"));
  auto big = make(1024).add({"big", small, ""});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error(), ec::invalid_argument);
  EXPECT_FALSE(fs::exists(dir / "pic.onnx"));
  EXPECT_FALSE(fs::exists(dir / "cut.onnx"));
  EXPECT_EQ(cat.list().size(), 2u);
}

TEST_F(model_catalog_test, deletes_all_but_the_active_and_shadow_model) {
  auto cat = make();
  ASSERT_TRUE(cat.add({"m1", small, ""}));
  auto err = cat.remove("argus-sky");
  EXPECT_EQ(err, ec::model_active);
  cat.set_shadow("m1");
  EXPECT_EQ(cat.remove("m1"), ec::model_active);
  cat.set_shadow("");
  EXPECT_EQ(cat.remove("nope"), ec::unknown_model);
  EXPECT_FALSE(cat.remove("m1"));
  EXPECT_FALSE(fs::exists(dir / "m1.onnx"));
  EXPECT_FALSE(fs::exists(dir / "m1.names"));
  EXPECT_FALSE(cat.get("m1"));
}

TEST_F(model_catalog_test, a_corrupt_file_is_listed_but_never_activated) {
  auto cat = make();
  {
    std::ofstream out(dir / "broken.onnx", std::ios::binary);
    out << small.substr(0, 5000);
    std::ofstream names(dir / "broken.names");
    names << "drone\n";
  }
  auto info = cat.get("broken");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->layout, "unknown");
  EXPECT_FALSE(info->error.empty());
  auto spec = cat.verified_spec("broken");
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error(), ec::model_failed);
  ASSERT_TRUE(cat.add({"good", small, ""}));
  auto good = cat.verified_spec("good");
  ASSERT_TRUE(good) << error_detail(good.error());
  EXPECT_EQ(good->input_width, 320);
  EXPECT_EQ(good->classes.size(), 4u);
  auto cfg = with_model(base, *good);
  EXPECT_EQ(cfg.input_height, 256);
  EXPECT_EQ(cfg.model, (dir / "good.onnx").string());
}

// SPDX-License-Identifier: Apache-2.0
// The crop classifier's geometry (shared with scripts/train_classifier.py)
// and its loading and relabelling rules.
#include "core/analytics/crop_classifier.hpp"
#include "messages/error.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

using namespace argus;

TEST(crop_classifier, the_square_is_two_and_a_half_times_the_box_clamped) {
  // 20x10 box: side 2.5 * 20 = 50, centred on (110, 105).
  auto sq = classifier_square({100, 100, 20, 10});
  EXPECT_FLOAT_EQ(sq.width, 50);
  EXPECT_FLOAT_EQ(sq.height, 50);
  EXPECT_FLOAT_EQ(sq.x, 85);
  EXPECT_FLOAT_EQ(sq.y, 80);
  // A 6 px object still gets 32 px of context; a huge one at most 256.
  EXPECT_FLOAT_EQ(classifier_square({0, 0, 6, 4}).width, 32);
  EXPECT_FLOAT_EQ(classifier_square({0, 0, 300, 100}).width, 256);
  // Sides round to whole pixels, halves up (the script's int(x + 0.5)).
  EXPECT_FLOAT_EQ(classifier_square({0, 0, 15, 15}).width, 38); // 37.5
}

TEST(crop_classifier, a_crop_past_the_frame_edge_repeats_the_edge) {
  cv::Mat frame(100, 100, CV_8UC3, cv::Scalar(0, 0, 0));
  frame.col(0).setTo(cv::Scalar(0, 0, 255)); // red left edge
  // A 10x10 box in the top-left corner: its 32 px square reaches 11 px
  // past the left edge, which must read as the red edge, not black.
  auto crop = classifier_crop(frame, {0, 0, 10, 10});
  ASSERT_EQ(crop.size(), cv::Size(classifier_input, classifier_input));
  ASSERT_EQ(crop.type(), CV_8UC3);
  auto left = crop.at<cv::Vec3b>(24, 2);
  EXPECT_GT(left[2], 200);
  auto inside = crop.at<cv::Vec3b>(24, 40);
  EXPECT_EQ(inside[2], 0);
}

TEST(crop_classifier, a_missing_model_is_an_error_naming_it) {
  auto c = crop_classifier::load("models/none.onnx", {"drone"}, 0.05f, 8);
  ASSERT_FALSE(c);
  EXPECT_NE(error_detail(c.error()).find("none"), std::string::npos);
}

TEST(crop_classifier, a_classifier_sharing_no_class_is_refused) {
  auto c = crop_classifier::load(std::string(ARGUS_SOURCE_DIR)
                                     + "/models/argus-sky-cls.onnx",
                                 {"person", "car"}, 0.05f, 8);
  ASSERT_FALSE(c);
  EXPECT_NE(error_detail(c.error()).find("detector.classifier"),
            std::string::npos);
}

TEST(crop_classifier,
     the_detector_class_stays_unless_the_classifier_rules_it_out) {
  // probs by detector class: drone, bird, airplane (unknown to it), heli
  std::vector<float> probs{0.04f, 0.9f, -1.0f, 0.06f};
  EXPECT_EQ(relabelled_class(probs, 0, 0.05f), 1); // drone at 0.04: bird
  EXPECT_EQ(relabelled_class(probs, 3, 0.05f), 3); // heli at 0.06 stays
  EXPECT_EQ(relabelled_class(probs, 3, 0.1f), 1);
  EXPECT_EQ(relabelled_class(probs, 2, 1.0f), 2); // no opinion on airplane
  EXPECT_EQ(relabelled_class(probs, 0, 0.0f), 0); // 0: never relabel
  EXPECT_EQ(relabelled_class(probs, 1, 1.0f), 1); // already the best
  EXPECT_EQ(relabelled_class(probs, 7, 1.0f), 7); // out of range: kept
  EXPECT_EQ(relabelled_class(probs, -1, 1.0f), -1);
}

TEST(crop_classifier, the_shipped_model_relabels_into_the_detector_classes) {
  // The detector's names in another order: labels must map by name.
  std::vector<std::string> names{"helicopter", "airplane", "bird", "drone"};
  auto model = std::string(ARGUS_SOURCE_DIR) + "/models/argus-sky-cls.onnx";
  auto c = crop_classifier::load(model, names, 1.0f, 16);
  ASSERT_TRUE(c) << error_detail(c.error());
  cv::Mat sky(512, 640, CV_8UC3, cv::Scalar(210, 180, 160));
  std::vector<detection> dets{{{100, 100, 20, 12}, 0.9f, 3},
                              {{630, 500, 30, 30}, 0.5f, 0}};
  ASSERT_FALSE(c->relabel(sky, dets));
  for (auto& d : dets) {
    EXPECT_GE(d.class_id, 0);
    EXPECT_LT(d.class_id, 4);
  }
  EXPECT_FLOAT_EQ(dets[0].conf, 0.9f); // scores are the detector's
}

TEST(crop_classifier, one_batched_pass_equals_one_pass_per_box) {
  std::vector<std::string> names{"drone", "bird", "airplane", "helicopter"};
  auto model = std::string(ARGUS_SOURCE_DIR) + "/models/argus-sky-cls.onnx";
  auto c = crop_classifier::load(model, names, 1.0f, 16);
  ASSERT_TRUE(c) << error_detail(c.error());
  cv::Mat frame(512, 640, CV_8UC3);
  cv::randu(frame, 0, 255);
  std::vector<detection> all;
  for (int i = 0; i < 12; ++i)
    all.push_back(
        {{float(40 * i), float(30 * i), 10.0f + 4 * i, 12.0f}, 0.5f, i % 4});
  auto batched = all;
  ASSERT_FALSE(c->relabel(frame, batched));
  for (size_t i = 0; i < all.size(); ++i) {
    std::vector<detection> one{all[i]};
    ASSERT_FALSE(c->relabel(frame, one));
    EXPECT_EQ(one[0].class_id, batched[i].class_id) << "box " << i;
  }
  std::vector<detection> none;
  EXPECT_FALSE(c->relabel(frame, none));
}

TEST(crop_classifier, the_cap_picks_the_highest_scores_in_index_order) {
  std::vector<detection> dets;
  for (float conf : {0.3f, 0.9f, 0.5f, 0.9f, 0.1f, 0.7f})
    dets.push_back({{0, 0, 10, 10}, conf, 0});
  EXPECT_EQ(boxes_to_classify(dets, 3), (std::vector<size_t>{1, 3, 5}));
  EXPECT_EQ(boxes_to_classify(dets, 1), (std::vector<size_t>{1})); // tie
  EXPECT_EQ(boxes_to_classify(dets, 6),
            (std::vector<size_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(boxes_to_classify(dets, 100).size(), 6u);
  EXPECT_TRUE(boxes_to_classify({}, 4).empty());
}

TEST(crop_classifier, boxes_past_the_cap_keep_the_detector_class) {
  std::vector<std::string> names{"drone", "bird", "airplane", "helicopter"};
  auto model = std::string(ARGUS_SOURCE_DIR) + "/models/argus-sky-cls.onnx";
  auto all = crop_classifier::load(model, names, 1.0f, 16);
  auto capped = crop_classifier::load(model, names, 1.0f, 4);
  ASSERT_TRUE(all && capped);
  cv::Mat frame(512, 640, CV_8UC3);
  cv::randu(frame, 0, 255);
  std::vector<detection> dets;
  for (int i = 0; i < 12; ++i) // scores rise with i: the cap keeps 8..11
    dets.push_back({{float(40 * i), float(30 * i), 12.0f + 3 * i, 14.0f},
                    0.1f + 0.05f * float(i),
                    3});
  auto every = dets, some = dets;
  ASSERT_FALSE(all->relabel(frame, every));
  ASSERT_FALSE(capped->relabel(frame, some));
  int changed_below_cap = 0;
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(some[i].class_id, 3) << "box " << i;
    changed_below_cap += every[i].class_id != 3;
  }
  // The uncapped run relabels some of them, so the test can tell.
  EXPECT_GT(changed_below_cap, 0);
  for (size_t i = 8; i < 12; ++i)
    EXPECT_EQ(some[i].class_id, every[i].class_id) << "box " << i;
}

TEST(crop_classifier, crops_match_the_training_scripts_pixels) {
  // fixtures/classifier_crops.json was written by the training side
  // (scripts/classifier_crop.py, tests/scripts/test_classifier_crop.py):
  // the model must see at run time the crops it was trained on.
  std::ifstream in(std::string(ARGUS_SOURCE_DIR)
                   + "/fixtures/classifier_crops.json");
  ASSERT_TRUE(in) << "fixtures/classifier_crops.json missing";
  auto fixture = nlohmann::json::parse(in);
  // pattern_frame(): B = (7x + 13y) mod 256, G = 3x mod 256, R = 5y mod 256
  cv::Mat frame(512, 640, CV_8UC3);
  for (int y = 0; y < frame.rows; ++y)
    for (int x = 0; x < frame.cols; ++x)
      frame.at<cv::Vec3b>(y, x) = {uchar((7 * x + 13 * y) % 256),
                                   uchar((3 * x) % 256), uchar((5 * y) % 256)};
  ASSERT_GE(fixture["cases"].size(), 8u);
  for (auto& c : fixture["cases"]) {
    auto b = c["box"];
    pixel_box box{b[0].get<float>(), b[1].get<float>(), b[2].get<float>(),
                  b[3].get<float>()};
    EXPECT_EQ(int(classifier_square(box).width), c["side"].get<int>())
        << b.dump();
    auto crop = classifier_crop(frame, box);
    auto sums = cv::sum(crop);
    for (int k = 0; k < 3; ++k)
      EXPECT_EQ(int64_t(sums[k]), c["channel_sums"][size_t(k)].get<int64_t>())
          << b.dump() << " channel " << k;
    auto centre = crop.at<cv::Vec3b>(24, 24);
    for (int k = 0; k < 3; ++k)
      EXPECT_EQ(int(centre[k]), c["centre_pixel"][size_t(k)].get<int>())
          << b.dump() << " channel " << k;
  }
}

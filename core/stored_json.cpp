// SPDX-License-Identifier: Apache-2.0
#include "core/stored_json.hpp"

#include "core/text.hpp"

#include <nlohmann/json.hpp>

namespace argus {

std::string describe_session(const config& cfg, const camera_config& cam) {
  auto& t = cfg.tracker;
  nlohmann::json j{
      {"camera",
       {{"id", cam.id},
        {"source", to_string(cam.source)},
        {"width", cam.synthetic.width},
        {"height", cam.synthetic.height},
        {"fps", cam.synthetic.fps}}},
      {"detector",
       {{"model", cfg.detector.model},
        {"conf_threshold", cfg.detector.conf_threshold}}},
      {"tracker",
       {{"track_high_thresh", t.track_high_thresh},
        {"track_low_thresh", t.track_low_thresh},
        {"new_track_thresh", t.new_track_thresh},
        {"match_thresh", t.match_thresh},
        {"track_buffer", t.track_buffer},
        {"match_buffer", t.match_buffer},
        {"min_hits", t.min_hits}}},
      {"session",
       {{"publish_hz", cfg.session.publish_hz},
        {"confirm_hits", cfg.session.confirm_hits},
        {"end_after_ms", cfg.session.end_after_ms}}},
      {"store", {{"sample_interval_ms", cfg.store.sample_interval_ms}}}};
  return dump_json(j);
}

std::string zones_to_json(const std::vector<std::string>& zones) {
  return dump_json(nlohmann::json(zones));
}

std::vector<std::string> zones_from_json(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (j.is_array())
    for (auto& z : j)
      if (z.is_string())
        out.push_back(z.get<std::string>());
  return out;
}

std::string frame_meta_to_json(const relay_frame& frame) {
  return dump_json({{"camera_id", frame.camera_id},
                    {"frame_no", frame.frame_no},
                    {"captured_unix_ms", frame.captured_unix_ms},
                    {"width", frame.width},
                    {"height", frame.height},
                    {"size", frame.jpeg ? frame.jpeg->size() : 0}});
}

bool frame_meta_from_json(const std::string& text, size_t jpeg_size,
                          relay_frame& frame) {
  auto meta = nlohmann::json::parse(text, nullptr, false);
  if (meta.is_discarded() || !meta.is_object()
      || meta.value("size", size_t{0}) != jpeg_size)
    return false;
  frame.frame_no = meta.value("frame_no", int64_t{0});
  frame.captured_unix_ms = meta.value("captured_unix_ms", int64_t{0});
  frame.width = meta.value("width", 0);
  frame.height = meta.value("height", 0);
  return true;
}

} // namespace argus

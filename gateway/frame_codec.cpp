// SPDX-License-Identifier: Apache-2.0
#include "gateway/frame_codec.hpp"

#include "gateway/json_codec.hpp"

#include <limits>

namespace argus {

using nlohmann::json;

json to_json(const clip_info& x) {
  return {{"clip_id", x.clip_id},
          {"uri", x.uri},
          {"codec", "hevc"},
          {"container", x.container},
          {"width", x.width},
          {"height", x.height},
          {"frame_count", x.frame_count},
          {"irap_count", x.irap_count},
          {"object_size", x.object_size},
          {"stats",
           {{"frames_requested", x.frames_requested},
            {"cache_hits", x.cache_hits},
            {"frames_decoded", x.frames_decoded},
            {"frames_skipped", x.frames_skipped},
            {"frames_encoded", x.frames_encoded},
            {"decode_passes", x.decode_passes},
            {"chunks_loaded", x.chunks_loaded},
            {"bytes_loaded", x.bytes_loaded},
            {"errors", x.errors}}}};
}

json to_json(const clip_index& x, const std::string& clip_id) {
  json iraps = json::array();
  for (size_t c = 0; c < x.iraps.size(); ++c) {
    const auto& chunk = x.iraps[c];
    json frames = json::array();
    for (const auto& f : chunk.frames)
      frames.push_back(
          {{"offset", f.offset},
           {"size", f.size},
           {"decode_index", f.decode_index},
           {"display_index", f.display_index},
           {"pts", f.pts},
           {"reference", f.reference},
           {"decode_from_irap",
            f.from_previous_chunk ? x.iraps[c - 1].offset : chunk.offset}});
    json out = {{"offset", chunk.offset},
                {"end", chunk.end},
                {"frames", std::move(frames)}};
    if (!chunk.undecodable.empty()) {
      json lost = json::array();
      for (const auto& u : chunk.undecodable)
        lost.push_back({{"offset", u.offset}, {"size", u.size}});
      out["undecodable"] = std::move(lost);
    }
    iraps.push_back(std::move(out));
  }
  return {{"clip_id", clip_id},
          {"codec", x.codec},
          {"container", x.container},
          {"width", x.width},
          {"height", x.height},
          {"frame_count", x.frame_count},
          {"time_base", {x.time_base_num, x.time_base_den}},
          {"iraps", std::move(iraps)}};
}

namespace {

frame_command invalid(std::string request_id, std::string code,
                      std::string detail) {
  frame_command cmd;
  cmd.request_id = std::move(request_id);
  cmd.error = std::move(code);
  cmd.detail = std::move(detail);
  return cmd;
}

bool read_offset(const json& v, int64_t& out) {
  if (!v.is_number_integer())
    return false;
  out = v.get<int64_t>();
  return out >= 0;
}

} // namespace

frame_command parse_frame_command(const std::string& text) {
  auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded())
    return invalid("", "invalid_json", "the message is not valid JSON");
  if (!doc.is_object())
    return invalid("", "invalid_message", "the message must be an object");
  std::string rid;
  if (doc.contains("request_id")) {
    if (!doc["request_id"].is_string()
        || doc["request_id"].get<std::string>().size() > 128)
      return invalid("", "invalid_message",
                     "request_id must be a string of at most 128 characters");
    rid = doc["request_id"].get<std::string>();
  }
  if (!doc.contains("type") || !doc["type"].is_string())
    return invalid(rid, "invalid_message", "type must be a string");
  auto type = doc["type"].get<std::string>();
  frame_command cmd;
  cmd.request_id = rid;
  if (type == "register_clip")
    cmd.kind = frame_command::register_clip;
  else if (type == "register_chunks")
    cmd.kind = frame_command::register_chunks;
  else if (type == "request_chunk")
    cmd.kind = frame_command::request_chunk;
  else if (type == "request_frames")
    cmd.kind = frame_command::request_frames;
  else
    return invalid(rid, "unknown_type", "unknown message type '" + type + "'");
  if (!doc.contains("clip_id") || !doc["clip_id"].is_string()
      || doc["clip_id"].get<std::string>().empty())
    return invalid(rid, "invalid_message",
                   "clip_id must be a non-empty string");
  cmd.clip_id = doc["clip_id"].get<std::string>();
  if (doc.contains("quality")) {
    auto& q = doc["quality"];
    if (!q.is_number_integer() || q.get<int64_t>() < 1
        || q.get<int64_t>() > 100)
      return invalid(rid, "invalid_message",
                     "quality must be an integer from 1 to 100");
    cmd.quality = q.get<int32_t>();
  }
  switch (cmd.kind) {
  case frame_command::register_clip:
    if (!doc.contains("uri") || !doc["uri"].is_string())
      return invalid(rid, "invalid_message", "uri must be a string");
    cmd.uri = doc["uri"].get<std::string>();
    break;
  case frame_command::register_chunks: {
    if (!doc.contains("iraps") || !doc["iraps"].is_array()
        || doc["iraps"].empty() || doc["iraps"].size() > 10000)
      return invalid(rid, "invalid_message",
                     "iraps must be a non-empty array of byte offsets");
    for (auto& v : doc["iraps"]) {
      int64_t off = 0;
      if (!read_offset(v, off))
        return invalid(rid, "invalid_message",
                       "iraps must hold non-negative integer byte offsets");
      cmd.iraps.push_back(off);
    }
    break;
  }
  case frame_command::request_chunk:
  case frame_command::request_frames: {
    int64_t irap = 0;
    if (!doc.contains("irap") || !read_offset(doc["irap"], irap))
      return invalid(rid, "invalid_message",
                     "irap must be a non-negative integer byte offset");
    cmd.iraps.push_back(irap);
    if (cmd.kind == frame_command::request_chunk)
      break;
    if (!doc.contains("offsets") || !doc["offsets"].is_array()
        || doc["offsets"].empty() || doc["offsets"].size() > 1000)
      return invalid(rid, "invalid_message",
                     "offsets must be a non-empty array of at most 1000 "
                     "frame byte offsets");
    for (auto& v : doc["offsets"]) {
      int64_t off = 0;
      if (!read_offset(v, off))
        return invalid(rid, "invalid_message",
                       "offsets must hold non-negative integer byte offsets");
      cmd.offsets.push_back(off);
    }
    break;
  }
  default:
    break;
  }
  return cmd;
}

bool parse_clip_source(const std::string& body, clip_source& out,
                       std::string& why) {
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    why = "body must be a JSON object {\"clip_id\":..., \"uri\":...}";
    return false;
  }
  for (const char* key : {"clip_id", "uri"})
    if (!doc.contains(key) || !doc[key].is_string()) {
      why = std::string(key) + " must be a string";
      return false;
    }
  out.clip_id = doc["clip_id"].get<std::string>();
  out.uri = doc["uri"].get<std::string>();
  return true;
}

text_ptr json_frame_codec::encode(const frame_notice& x) const {
  json j;
  switch (x.kind) {
  case frame_notice::frame:
    j = {{"type", "frame"},
         {"request_id", x.request_id},
         {"clip_id", x.clip_id},
         {"irap", x.key.irap},
         {"offset", x.key.offset},
         {"display_index", x.display_index},
         {"decode_index", x.decode_index},
         {"pts", x.pts},
         {"quality", x.key.quality},
         {"size", x.size}};
    break;
  case frame_notice::error:
    j = {{"type", "error"},
         {"request_id", x.request_id},
         {"error", x.error_code},
         {"detail", x.detail}};
    if (x.has_key) {
      j["irap"] = x.key.irap;
      j["offset"] = x.key.offset;
    }
    break;
  case frame_notice::clip_registered:
    j = {{"type", "clip_registered"},
         {"request_id", x.request_id},
         {"clip", to_json(x.clip)}};
    break;
  case frame_notice::chunks_registered:
    j = {{"type", "chunks_registered"},
         {"request_id", x.request_id},
         {"clip_id", x.clip_id},
         {"iraps", x.iraps}};
    break;
  case frame_notice::dropped:
    j = {{"type", "dropped"},
         {"request_id", x.request_id},
         {"clip_id", x.clip_id},
         {"frames", x.frames}};
    break;
  case frame_notice::done:
    j = {{"type", "request_done"},
         {"request_id", x.request_id},
         {"clip_id", x.clip_id},
         {"frames", x.frames},
         {"errors", x.errors}};
    break;
  }
  return share(j);
}

} // namespace argus

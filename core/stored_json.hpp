// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/config.hpp"
#include "messages/types.hpp"

#include <string>
#include <vector>

namespace argus {

// The JSON argus writes to disk, all in one place: the wire's JSON lives in
// gateway/ (its codecs), the config's shape in core/config.cpp
// (config_to_json, the file format of schemas/config.schema.json).

/// The settings that shape one camera's session, as a JSON object stored
/// with the session (SQLite `sessions.config_json`) so old track history
/// can be interpreted.
std::string describe_session(const config& cfg, const camera_config& cam);

/// A track's zones column (SQLite `tracks.zones`): a JSON array of names.
std::string zones_to_json(const std::vector<std::string>& zones);
/// The names in a zones column; none for text that is not such an array.
std::vector<std::string> zones_from_json(const std::string& text);

/// The `<camera>.json` the relay writes beside its persisted JPEG.
std::string frame_meta_to_json(const relay_frame& frame);
/// Reads it into `frame` (all but the JPEG). False when it is not such a
/// record or names another size than `jpeg_size` (the pair is from two
/// different saves).
bool frame_meta_from_json(const std::string& text, size_t jpeg_size,
                          relay_frame& frame);

} // namespace argus

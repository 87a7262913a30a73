// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/ptz_types.hpp"
#include "messages/store_types.hpp"

#include <caf/expected.hpp>
#include <string>
#include <utility>
#include <vector>

namespace argus {

/// Decoded query-string parameters in order of appearance.
using query_params = std::vector<std::pair<std::string, std::string>>;

/// Parses a non-negative decimal integer of a query parameter (digits
/// only, no sign, no overflow).
bool parse_decimal(const std::string& text, int64_t& out);

/// Largest page GET /tracks and GET /ptz/commands return.
inline constexpr int max_track_page = 1000;

/// Validates GET /tracks parameters (camera_id, label, after, before,
/// min_score, in_progress, confirmed, limit, cursor). Errors are
/// ec::invalid_argument whose detail starts with the parameter's name;
/// unknown and repeated parameters are errors too.
caf::expected<track_query> parse_track_query(const query_params& params);

/// Validates GET /ptz/commands parameters (camera_id, after, before,
/// limit, cursor) with the rules of GET /tracks; errors as there.
caf::expected<ptz_command_query>
parse_ptz_command_query(const query_params& params);

/// Reads `samples` (true/false, default true) and `max_samples` (1..100000,
/// default 10000) of GET /tracks/{id}. @returns the sample limit (0: none).
caf::expected<int> parse_track_detail(const query_params& params);

/// Whether `id` is a well-formed "<camera_id>/<n>" track id.
bool valid_track_id(const std::string& id);

} // namespace argus

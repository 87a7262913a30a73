// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/frame_types.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace argus {

/// One client request being served: the frames it asked for, in order.
struct frame_request {
  std::string request_id;
  std::string clip_id;
  std::vector<frame_key> keys;
  /// Keys handed out so far.
  size_t next = 0;
  /// Keys handed out whose answer has not come back.
  int outstanding = 0;
  int64_t sent = 0;
  int64_t failed = 0;
};

/// A client's requests, served newest first (LIFO): the newest request is
/// what the viewer looks at now. At most `depth` requests wait; pushing one
/// more drops the oldest that has frames left to issue (superseded: the
/// client has moved on), and its remaining frames are never decoded.
class frame_request_stack {
public:
  explicit frame_request_stack(size_t depth) : depth_(depth) {}

  /// Adds a request on top. @returns the requests it superseded, with the
  /// number of frames each will never get in `keys.size() - next`.
  std::vector<frame_request> push(frame_request req);

  /// The next frame to ask for: from the newest request with frames left.
  /// @returns its request id and key.
  std::optional<std::pair<std::string, frame_key>> take();

  /// Records an answer. @returns the request when it is complete (every
  /// frame answered), removing it.
  std::optional<frame_request> answered(const std::string& request_id, bool ok);

  /// The clip a request is for (empty if gone).
  std::string clip_of(const std::string& request_id) const;

private:
  frame_request* find(const std::string& request_id);

  size_t depth_;
  std::deque<frame_request> stack_; // back: newest
};

} // namespace argus

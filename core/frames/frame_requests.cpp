// SPDX-License-Identifier: Apache-2.0
#include "core/frames/frame_requests.hpp"

namespace argus {

std::vector<frame_request> frame_request_stack::push(frame_request req) {
  stack_.push_back(std::move(req));
  std::vector<frame_request> dropped;
  // Count only requests that still wait for something to be issued.
  auto waiting = [&] {
    size_t n = 0;
    for (auto& r : stack_)
      n += r.next < r.keys.size() ? 1 : 0;
    return n;
  };
  while (waiting() > depth_) {
    for (auto it = stack_.begin(); it != stack_.end(); ++it) {
      if (it->next >= it->keys.size())
        continue;
      dropped.push_back(*it);
      if (it->outstanding == 0) {
        stack_.erase(it);
      } else {
        // Answers in flight still arrive; issue nothing more.
        it->keys.resize(it->next);
      }
      break;
    }
  }
  return dropped;
}

std::optional<std::pair<std::string, frame_key>> frame_request_stack::take() {
  for (auto it = stack_.rbegin(); it != stack_.rend(); ++it)
    if (it->next < it->keys.size()) {
      ++it->outstanding;
      return std::make_pair(it->request_id, it->keys[it->next++]);
    }
  return std::nullopt;
}

frame_request* frame_request_stack::find(const std::string& request_id) {
  for (auto& r : stack_)
    if (r.request_id == request_id)
      return &r;
  return nullptr;
}

std::optional<frame_request>
frame_request_stack::answered(const std::string& request_id, bool ok) {
  auto* r = find(request_id);
  if (!r)
    return std::nullopt;
  --r->outstanding;
  (ok ? r->sent : r->failed) += 1;
  if (r->outstanding > 0 || r->next < r->keys.size())
    return std::nullopt;
  auto done = *r;
  for (auto it = stack_.begin(); it != stack_.end(); ++it)
    if (&*it == r) {
      stack_.erase(it);
      break;
    }
  return done;
}

std::string frame_request_stack::clip_of(const std::string& request_id) const {
  for (auto& r : stack_)
    if (r.request_id == request_id)
      return r.clip_id;
  return {};
}

} // namespace argus

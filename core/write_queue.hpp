// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <deque>
#include <utility>

namespace argus {

/// The outbound side of one connection: messages leave in order, one write
/// is in flight at a time (Beast allows no more), and the message being
/// written stays owned here until its write completes, also after the
/// connection is gone. The socket reads that message's bytes until the
/// completion handler runs, and a read error can end the connection first:
/// freeing the message then would hand the socket freed memory.
template <class Payload> class write_queue {
public:
  /// Queues a message. True when nothing was in flight and the caller must
  /// start writing front(); false when it waits, or when the connection is
  /// gone and the message is dropped.
  bool push(Payload payload) {
    if (gone_)
      return false;
    queue_.push_back(std::move(payload));
    return queue_.size() == 1;
  }

  /// The message in flight. Only while writing().
  const Payload& front() const { return queue_.front(); }

  /// Whether a write is in flight.
  bool writing() const { return !queue_.empty(); }

  /// Messages in flight or waiting.
  std::size_t size() const { return queue_.size(); }

  /// The write in flight completed (with or without an error): releases its
  /// message. True when the next one must be written now. A completion
  /// without a write in flight is ignored.
  bool written() {
    if (queue_.empty())
      return false;
    queue_.pop_front();
    return !queue_.empty();
  }

  /// The connection is gone: waiting messages are dropped, later pushes
  /// refused; the one in flight is kept until written().
  void drop_waiting() {
    gone_ = true;
    if (queue_.size() > 1)
      queue_.erase(queue_.begin() + 1, queue_.end());
  }

private:
  std::deque<Payload> queue_;
  bool gone_ = false;
};

} // namespace argus

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

namespace argus {

/// What one connection-owning actor (CLIENT, VIEWER, FRAME CLIENT) has
/// for its socket, and when it may hand it over. Two lanes:
///  - the ordered lane (events, command replies, state changes, requested
///    frames): never dropped, bounded; a push past the bound is refused and
///    the owner decides (close the connection, stop asking for more);
///  - the latest slot (live ticks, live frames): a newer item replaces an
///    unsent one, counted in replaced().
/// The socket gets at most `max_in_flight` messages not yet written; the
/// ordered lane goes first. An item may be several messages that go out
/// back to back (a JSON header and its JPEG); one that does not fit waits
/// until the socket has written everything, so it is never split.
/// It also keeps the connection's read pause: the connection reads one
/// message, then waits until its owner is ready for the next.
template <class Item> class outbox {
public:
  struct limits {
    /// Items the ordered lane holds; one more is refused.
    std::size_t max_queued = 256;
    /// Messages handed to the socket, not yet written.
    int max_in_flight = 4;
  };

  explicit outbox(limits lim = {}) : limits_(lim) {}

  /// Queues an item on the ordered lane. False (and counted in refused())
  /// when the lane is full; the item is then not queued.
  bool push(Item item, int messages = 1) {
    if (queue_.size() >= limits_.max_queued) {
      ++refused_;
      return false;
    }
    queue_.push_back({std::move(item), messages});
    queued_messages_ += messages;
    return true;
  }

  /// Puts an item in the latest slot, replacing any unsent one.
  void put_latest(Item item, int messages = 1) {
    if (latest_)
      ++replaced_;
    latest_ = entry{std::move(item), messages};
  }

  /// The next item the socket may take now, its messages counted as in
  /// flight; none when both lanes are empty or the socket is busy.
  std::optional<Item> next() {
    auto* lane = !queue_.empty() ? &queue_.front()
                 : latest_       ? &*latest_
                                 : nullptr;
    if (!lane || !fits(lane->messages))
      return std::nullopt;
    in_flight_ += lane->messages;
    auto item = std::move(lane->item);
    if (!queue_.empty()) {
      queued_messages_ -= lane->messages;
      queue_.pop_front();
    } else
      latest_.reset();
    return item;
  }

  /// The socket wrote one message (or dropped it with the connection).
  void written() {
    if (in_flight_ > 0)
      --in_flight_;
  }

  /// Hands the ordered lane over whole, bypassing the budget: for the
  /// last words before a close (the connection writes them before the
  /// close frame). The latest slot is dropped.
  std::deque<Item> drain() {
    std::deque<Item> out;
    for (auto& e : queue_)
      out.push_back(std::move(e.item));
    queue_.clear();
    queued_messages_ = 0;
    latest_.reset();
    return out;
  }

  /// The connection read a message and waits for resume_reads().
  void pause_reads() { reads_paused_ = true; }

  /// Lets paused reads run again when `owner_ready` (the owner's own
  /// rule: room for the reply, the command handled). True once per pause:
  /// then the owner tells the connection to read on.
  bool resume_reads(bool owner_ready) {
    if (!reads_paused_ || !owner_ready)
      return false;
    reads_paused_ = false;
    return true;
  }

  /// Items waiting on the ordered lane, and the messages they make.
  std::size_t queued() const { return queue_.size(); }
  int queued_messages() const { return queued_messages_; }
  bool has_latest() const { return latest_.has_value(); }
  int in_flight() const { return in_flight_; }
  bool reads_paused() const { return reads_paused_; }
  /// Latest items replaced before they were sent.
  int64_t replaced() const { return replaced_; }
  /// Ordered items refused because the lane was full.
  int64_t refused() const { return refused_; }

private:
  struct entry {
    Item item;
    int messages;
  };

  /// An item fits when its messages stay in budget, or when the socket
  /// has nothing left to write (an item larger than the budget).
  bool fits(int messages) const {
    return in_flight_ == 0 || in_flight_ + messages <= limits_.max_in_flight;
  }

  limits limits_;
  std::deque<entry> queue_;
  std::optional<entry> latest_;
  int queued_messages_ = 0;
  int in_flight_ = 0;
  bool reads_paused_ = false;
  int64_t replaced_ = 0;
  int64_t refused_ = 0;
};

} // namespace argus

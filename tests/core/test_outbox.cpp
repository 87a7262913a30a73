// SPDX-License-Identifier: Apache-2.0
#include "core/outbox.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace argus;

namespace {

using box = outbox<std::string>;

/// Everything the socket may take now, in order.
std::vector<std::string> take_all(box& b) {
  std::vector<std::string> out;
  while (auto item = b.next())
    out.push_back(*item);
  return out;
}

} // namespace

TEST(outbox, ordered_items_go_first_within_the_budget) {
  box b({8, 2});
  b.put_latest("tick");
  b.push("e1");
  b.push("e2");
  b.push("e3");
  EXPECT_EQ(take_all(b), (std::vector<std::string>{"e1", "e2"}));
  EXPECT_EQ(b.in_flight(), 2);
  b.written();
  EXPECT_EQ(take_all(b), (std::vector<std::string>{"e3"}));
  b.written();
  b.written();
  EXPECT_EQ(take_all(b), (std::vector<std::string>{"tick"}));
  EXPECT_FALSE(b.has_latest());
}

TEST(outbox, a_newer_latest_item_replaces_an_unsent_one) {
  box b({8, 1});
  b.put_latest("t1");
  EXPECT_EQ(take_all(b), (std::vector<std::string>{"t1"}));
  b.put_latest("t2");
  b.put_latest("t3");
  EXPECT_TRUE(take_all(b).empty()); // t1 is still being written
  EXPECT_EQ(b.replaced(), 1);
  b.written();
  EXPECT_EQ(take_all(b), (std::vector<std::string>{"t3"}));
}

TEST(outbox, a_full_ordered_lane_refuses_and_counts) {
  box b({2, 1});
  EXPECT_TRUE(b.push("a"));
  EXPECT_TRUE(b.push("b"));
  EXPECT_FALSE(b.push("c"));
  EXPECT_EQ(b.refused(), 1);
  EXPECT_EQ(b.queued(), 2u);
  // Handing one to the socket makes room again.
  EXPECT_EQ(take_all(b), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(b.push("c"));
}

TEST(outbox, a_multi_message_item_waits_for_room_and_is_never_split) {
  box b({8, 2});
  b.push("state");
  b.put_latest("frame", 2);
  EXPECT_EQ(take_all(b), (std::vector<std::string>{"state"}));
  // 1 in flight + 2 > 2: the frame waits for the socket.
  b.written();
  EXPECT_EQ(take_all(b), (std::vector<std::string>{"frame"}));
  EXPECT_EQ(b.in_flight(), 2);
  b.written();
  EXPECT_TRUE(take_all(b).empty());
  // An item larger than the budget still goes once the socket is idle.
  box small({8, 1});
  small.push("pair", 2);
  EXPECT_EQ(take_all(small), (std::vector<std::string>{"pair"}));
  EXPECT_EQ(small.in_flight(), 2);
}

TEST(outbox, counts_messages_waiting_on_the_ordered_lane) {
  box b({8, 1});
  b.push("header+jpeg", 2);
  b.push("notice");
  EXPECT_EQ(b.queued_messages(), 3);
  take_all(b);
  EXPECT_EQ(b.queued_messages(), 1);
}

TEST(outbox, drain_hands_over_the_ordered_lane_and_drops_the_latest) {
  box b({8, 1});
  b.push("x");
  take_all(b);
  b.push("end1");
  b.push("end2");
  b.put_latest("tick");
  auto last = b.drain();
  EXPECT_EQ(std::vector<std::string>(last.begin(), last.end()),
            (std::vector<std::string>{"end1", "end2"}));
  EXPECT_EQ(b.queued(), 0u);
  EXPECT_FALSE(b.has_latest());
}

TEST(outbox, written_without_anything_in_flight_is_ignored) {
  box b({8, 1});
  b.written();
  EXPECT_EQ(b.in_flight(), 0);
  b.push("a");
  b.push("b");
  EXPECT_EQ(take_all(b), (std::vector<std::string>{"a"}));
}

TEST(outbox, paused_reads_resume_once_when_the_owner_is_ready) {
  box b({8, 1});
  EXPECT_FALSE(b.resume_reads(true)); // nothing paused
  b.pause_reads();
  EXPECT_TRUE(b.reads_paused());
  EXPECT_FALSE(b.resume_reads(false));
  EXPECT_TRUE(b.reads_paused());
  EXPECT_TRUE(b.resume_reads(true));
  EXPECT_FALSE(b.resume_reads(true));
  EXPECT_FALSE(b.reads_paused());
}

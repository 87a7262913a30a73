// SPDX-License-Identifier: Apache-2.0
#include "core/write_queue.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <string>

using namespace argus;
using payload = std::shared_ptr<const std::string>;

namespace {

payload text(const char* s) {
  return std::make_shared<const std::string>(s);
}

} // namespace

TEST(write_queue, one_write_in_flight_and_messages_leave_in_order) {
  write_queue<payload> q;
  EXPECT_FALSE(q.writing());
  EXPECT_TRUE(q.push(text("a")));  // nothing in flight: write it now
  EXPECT_FALSE(q.push(text("b"))); // waits behind "a"
  EXPECT_FALSE(q.push(text("c")));
  EXPECT_EQ(*q.front(), "a");
  EXPECT_TRUE(q.written()); // "a" done, "b" must go now
  EXPECT_EQ(*q.front(), "b");
  EXPECT_TRUE(q.written());
  EXPECT_EQ(*q.front(), "c");
  EXPECT_FALSE(q.written()); // nothing left
  EXPECT_FALSE(q.writing());
  EXPECT_TRUE(q.push(text("d"))); // idle again: write at once
}

TEST(write_queue, gone_keeps_the_message_in_flight_until_its_write_completes) {
  write_queue<payload> q;
  auto in_flight = text("being written");
  std::weak_ptr<const std::string> watch = in_flight;
  ASSERT_TRUE(q.push(std::move(in_flight)));
  q.push(text("waiting 1"));
  q.push(text("waiting 2"));
  // A read error ends the connection while the socket still writes.
  q.drop_waiting();
  EXPECT_FALSE(watch.expired()) << "the socket's bytes were freed mid-write";
  EXPECT_EQ(q.size(), 1u);
  EXPECT_FALSE(q.push(text("late"))) << "a gone connection takes no more";
  EXPECT_EQ(q.size(), 1u);
  // The completion (an error, or success) releases it; nothing follows.
  EXPECT_FALSE(q.written());
  EXPECT_TRUE(watch.expired());
  EXPECT_FALSE(q.writing());
}

TEST(write_queue, a_completion_with_nothing_in_flight_is_ignored) {
  // Defensive: each write has one completion, so this should not happen;
  // if it ever does, the queue stays sound (the deque it replaced was
  // popped while empty, undefined behaviour).
  write_queue<payload> q;
  q.drop_waiting();
  EXPECT_FALSE(q.written());
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(q.push(text("x")));
  EXPECT_EQ(q.size(), 0u);
}

// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.track_reader
#include "actors/history/track_reader.hpp"
#include "core/history/track_db.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/support/temp_dir.hpp"

using namespace argus;
using namespace argus::test;

namespace {

track_event event_of(const std::string& camera, int64_t id,
                     const std::string& label, int64_t start) {
  track_event e;
  e.event = "new";
  e.session_id = "s-" + camera;
  e.camera_id = camera;
  e.after.id = id;
  e.after.label = label;
  e.after.top_conf = 0.5 + 0.1 * static_cast<double>(id);
  e.after.confirmed = true;
  e.after.start_ts_unix_ms = start;
  return e;
}

struct reader_fixture : fixture {
  temp_dir dir;
  std::string path = dir.file("argus.db");
  track_reader_actor reader;

  reader_fixture() {
    reader = sys.spawn(track_reader, path);
    drain();
  }

  ~reader_fixture() override {
    caf::anon_send_exit(reader, caf::exit_reason::user_shutdown);
    drain();
  }

  /// Writes three tracks (two cameras, two labels) and samples of cam_a/1
  /// through the store's own writer.
  void write_tracks() {
    auto db = track_db::open_writer(path);
    CAF_REQUIRE(db);
    write_batch batch;
    batch.events.push_back(event_of("cam_a", 1, "drone", 1000));
    batch.events.push_back(event_of("cam_a", 2, "bird", 2000));
    batch.events.push_back(event_of("cam_b", 1, "drone", 3000));
    for (int i = 0; i < 4; ++i)
      batch.samples.emplace_back(
          "cam_a",
          track_sample{
              1, 1000 + 100 * i, {0.1, 0.2, 0.3, 0.4}, 0.9, 0.01 * i, 0});
    CAF_REQUIRE(!db->write(batch));
  }

  caf::expected<track_page> query(track_query q) {
    return call<track_page>(reader, atom::query_v, q);
  }

  static std::vector<std::string> ids(const track_page& page) {
    std::vector<std::string> out;
    for (auto& t : page.tracks)
      out.push_back(t.track_id);
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(track_reader_tests, reader_fixture)

CAF_TEST(queries filter and order what the writer stored) {
  write_tracks();
  auto all = query({});
  CAF_REQUIRE(all);
  std::vector<std::string> newest_first{"cam_b/1", "cam_a/2", "cam_a/1"};
  CAF_CHECK_EQUAL(ids(*all), newest_first);
  CAF_CHECK(all->next_cursor.empty());
  track_query by_camera;
  by_camera.camera_id = "cam_a";
  auto a = query(by_camera);
  CAF_REQUIRE(a);
  CAF_CHECK_EQUAL(ids(*a), (std::vector<std::string>{"cam_a/2", "cam_a/1"}));
  track_query drones;
  drones.label = "drone";
  auto d = query(drones);
  CAF_REQUIRE(d);
  CAF_CHECK_EQUAL(ids(*d), (std::vector<std::string>{"cam_b/1", "cam_a/1"}));
}

CAF_TEST(a page limit yields a cursor that continues the listing) {
  write_tracks();
  track_query q;
  q.limit = 2;
  auto first = query(q);
  CAF_REQUIRE(first);
  CAF_CHECK_EQUAL(first->tracks.size(), 2u);
  CAF_CHECK(!first->next_cursor.empty());
  const auto& last = first->tracks.back();
  q.cursor_ts = last.start_ts_unix_ms;
  q.cursor_seq = last.seq;
  auto second = query(q);
  CAF_REQUIRE(second);
  CAF_CHECK_EQUAL(ids(*second), std::vector<std::string>{"cam_a/1"});
}

CAF_TEST(get returns one track with at most the samples asked for) {
  write_tracks();
  auto t = call<stored_track>(reader, atom::get_v, std::string{"cam_a/1"},
                              int32_t{2});
  CAF_REQUIRE(t);
  CAF_CHECK_EQUAL(t->track_id, "cam_a/1");
  CAF_CHECK_EQUAL(t->label, "drone");
  CAF_CHECK_EQUAL(t->sample_count, 4);
  CAF_CHECK_EQUAL(t->samples.size(), 2u);
  auto bare = call<stored_track>(reader, atom::get_v, std::string{"cam_a/1"},
                                 int32_t{0});
  CAF_REQUIRE(bare);
  CAF_CHECK(bare->samples.empty());
  auto none = call<stored_track>(reader, atom::get_v, std::string{"cam_z/9"},
                                 int32_t{0});
  CAF_REQUIRE(!none);
  CAF_CHECK_EQUAL(none.error(), ec::unknown_track);
}

CAF_TEST(a database that appears later is picked up by the next query) {
  auto missing = query({});
  CAF_REQUIRE(!missing);
  CAF_CHECK_EQUAL(missing.error(), ec::store_unavailable);
  write_tracks();
  auto found = query({});
  CAF_REQUIRE(found);
  CAF_CHECK_EQUAL(found->tracks.size(), 3u);
}

CAF_TEST_FIXTURE_SCOPE_END()

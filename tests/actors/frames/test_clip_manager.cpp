// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.clip_manager
#include "actors/frames/clip_manager.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/actors/frames/clip_support.hpp"

#include <map>

using namespace argus;
using namespace argus::test;

namespace {

/// What the mock CLIPs of one test saw.
struct clips_log {
  std::vector<clip_setup> spawned;
  /// Clip ids whose create fails with source_not_found.
  std::set<std::string> failing;
  int stopped = 0;
};

using clips_log_ptr = std::shared_ptr<clips_log>;

clip_actor::behavior_type mock_clip(clip_actor::pointer self, clips_log_ptr log,
                                    clip_setup cs) {
  self->attach_functor([log] { ++log->stopped; });
  auto summary = [cs] {
    clip_info info;
    info.clip_id = cs.source.clip_id;
    info.uri = cs.source.uri;
    info.frame_count = 6;
    return info;
  };
  return scripted_clip(
      [log, cs, summary]() -> caf::result<clip_info> {
        if (log->failing.count(cs.source.clip_id))
          return caf::make_error(ec::source_not_found, "no such object");
        return summary();
      },
      [](encoded_frame&) {});
}

struct manager_fixture : fixture {
  clips_log_ptr log = std::make_shared<clips_log>();
  std::shared_ptr<frame_cache> cache
      = std::make_shared<frame_cache>(1024 * 1024);
  clip_manager_actor mgr;

  manager_fixture() {
    clip_manager_setup setup;
    setup.s3.region = "eu-test-1";
    setup.cache = cache;
    setup.max_chunks = 7;
    setup.start_clip = [l = log](caf::local_actor* parent, clip_setup cs) {
      l->spawned.push_back(cs);
      return parent->spawn(mock_clip, l, std::move(cs));
    };
    mgr = sys.spawn(clip_manager, std::move(setup));
    drain();
  }

  ~manager_fixture() override {
    if (mgr)
      caf::anon_send_exit(mgr, caf::exit_reason::user_shutdown);
    drain();
  }

  caf::expected<clip_info> add(const std::string& id,
                               const std::string& uri = "file:///a.h265") {
    return call<clip_info>(mgr, clip_source{id, uri});
  }

  caf::expected<clip_actor> get(const std::string& id) {
    return call<clip_actor>(mgr, atom::get_v, id);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(clip_manager_tests, manager_fixture)

CAF_TEST(registering is idempotent for the same uri) {
  auto first = add("c1");
  CAF_REQUIRE(first);
  CAF_CHECK(first->created);
  CAF_CHECK_EQUAL(first->clip_id, "c1");
  CAF_REQUIRE_EQUAL(log->spawned.size(), 1u);
  const auto& cs = log->spawned[0];
  CAF_CHECK_EQUAL(cs.source.uri, "file:///a.h265");
  CAF_CHECK_EQUAL(cs.s3.region, "eu-test-1");
  CAF_CHECK_EQUAL(cs.cache.get(), cache.get());
  CAF_CHECK_EQUAL(cs.max_chunks, 7u);
  auto again = add("c1");
  CAF_REQUIRE(again);
  CAF_CHECK(!again->created);
  CAF_CHECK_EQUAL(log->spawned.size(), 1u);
}

CAF_TEST(another uri under a registered id is a conflict) {
  CAF_REQUIRE(add("c1"));
  auto other = add("c1", "file:///b.h265");
  CAF_REQUIRE(!other);
  CAF_CHECK_EQUAL(other.error(), ec::clip_conflict);
  CAF_CHECK_EQUAL(log->spawned.size(), 1u);
}

CAF_TEST(invalid clip ids are refused before any clip starts) {
  for (auto bad : std::vector<std::string>{"", "a/b", "has space",
                                           std::string(129, 'x')}) {
    auto r = add(bad);
    CAF_REQUIRE(!r);
    CAF_CHECK_EQUAL(r.error(), ec::invalid_argument);
  }
  CAF_CHECK(log->spawned.empty());
  CAF_CHECK(add(std::string(128, 'x')));
}

CAF_TEST(get finds indexed clips only) {
  auto none = get("c1");
  CAF_REQUIRE(!none);
  CAF_CHECK_EQUAL(none.error(), ec::unknown_clip);
  CAF_REQUIRE(add("c1"));
  auto found = get("c1");
  CAF_REQUIRE(found);
  auto info = call<clip_info>(*found, atom::status_v);
  CAF_REQUIRE(info);
  CAF_CHECK_EQUAL(info->clip_id, "c1");
}

CAF_TEST(a clip that fails to open is stopped and forgotten) {
  log->failing.insert("c1");
  auto r = add("c1");
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(r.error(), ec::source_not_found);
  CAF_CHECK_EQUAL(log->stopped, 1);
  CAF_CHECK(!get("c1"));
  // The id can be registered again (under another uri, too) once the
  // object exists.
  log->failing.clear();
  auto again = add("c1", "file:///b.h265");
  CAF_REQUIRE(again);
  CAF_CHECK(again->created);
  CAF_CHECK_EQUAL(log->spawned.size(), 2u);
}

CAF_TEST(list answers every indexed clip) {
  auto empty = call<std::vector<clip_info>>(mgr, atom::list_v);
  CAF_REQUIRE(empty);
  CAF_CHECK(empty->empty());
  CAF_REQUIRE(add("c1"));
  CAF_REQUIRE(add("c2", "file:///b.h265"));
  log->failing.insert("c3");
  CAF_REQUIRE(!add("c3"));
  auto all = call<std::vector<clip_info>>(mgr, atom::list_v);
  CAF_REQUIRE(all);
  std::set<std::string> ids;
  for (auto& i : *all)
    ids.insert(i.clip_id);
  CAF_CHECK_EQUAL(ids, (std::set<std::string>{"c1", "c2"}));
}

CAF_TEST(a clip that dies is forgotten with its cached frames) {
  CAF_REQUIRE(add("c1"));
  cache->put("c1", 100, 90, std::make_shared<const std::string>("jpeg"));
  cache->put("c2", 100, 90, std::make_shared<const std::string>("jpeg"));
  auto hdl = get("c1");
  CAF_REQUIRE(hdl);
  caf::anon_send_exit(*hdl, caf::exit_reason::kill);
  drain();
  CAF_CHECK(!get("c1"));
  CAF_CHECK(cache->get("c1", 100, 90) == nullptr);
  CAF_CHECK(cache->get("c2", 100, 90) != nullptr);
  auto again = add("c1");
  CAF_REQUIRE(again);
  CAF_CHECK(again->created);
}

CAF_TEST(stopping the manager stops its clips) {
  CAF_REQUIRE(add("c1"));
  CAF_REQUIRE(add("c2", "file:///b.h265"));
  caf::anon_send_exit(mgr, caf::exit_reason::user_shutdown);
  drain();
  mgr = clip_manager_actor{};
  CAF_CHECK_EQUAL(log->stopped, 2);
}

CAF_TEST(the default spawner starts real clips) {
  // A manager with the production clip factory and scheduled peers: the
  // clip it starts indexes the fixture and serves a frame.
  clip_manager_setup setup;
  setup.cache = cache;
  setup.start_clip = [](caf::local_actor* parent, clip_setup cs) {
    cs.start_io = scheduled_io;
    cs.start_decoder = scheduled_decoder;
    return spawn_clip(parent, std::move(cs));
  };
  auto real = sys.spawn(clip_manager, std::move(setup));
  auto info = call<clip_info>(real, clip_source{"real", fixture_uri()});
  CAF_REQUIRE(info);
  CAF_CHECK_EQUAL(info->frame_count, 6);
  auto hdl = call<clip_actor>(real, atom::get_v, std::string{"real"});
  CAF_REQUIRE(hdl);
  auto idx = load_index();
  auto f = call<encoded_frame>(
      *hdl,
      frame_key{idx->iraps[0].offset, idx->iraps[0].frames[1].offset, 80});
  CAF_REQUIRE(f);
  CAF_CHECK(is_jpeg(f->jpeg));
  caf::anon_send_exit(real, caf::exit_reason::user_shutdown);
  drain();
}

CAF_TEST_FIXTURE_SCOPE_END()

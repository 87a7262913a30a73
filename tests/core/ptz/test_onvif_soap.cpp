// SPDX-License-Identifier: Apache-2.0
// The SOAP layer of the ONVIF backend against ONVIF's published digest
// example and the answers of real cameras recorded in the npm package
// onvif@0.8.0 (node_modules, `make node-deps`).
#include "core/ptz/onvif_soap.hpp"
#include "messages/error.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <sstream>

using namespace argus;
using namespace argus::onvif;

namespace {

const std::string recorded_dir
    = std::string(ARGUS_SOURCE_DIR) + "/node_modules/onvif/test/serverMockup";

/// A recorded answer, or "" (the test then skips, saying why).
std::string recorded(const std::string& name) {
  std::ifstream in(recorded_dir + "/" + name);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

#define REQUIRE_RECORDED(var, name)                                            \
  auto var = recorded(name);                                                   \
  if (var.empty())                                                             \
    GTEST_SKIP() << "missing " << recorded_dir << "/" << name                  \
                 << " (run `make node-deps`)";

/// The text of the first element with local name `name` in `xml`.
std::string element_text(const std::string& xml, const std::string& name) {
  pugi::xml_document doc;
  doc.load_string(xml.c_str());
  auto n = doc.find_node([&](const pugi::xml_node& e) {
    std::string q = e.name();
    auto colon = q.rfind(':');
    return (colon == std::string::npos ? q : q.substr(colon + 1)) == name;
  });
  return n.child_value();
}

} // namespace

TEST(onvif_soap, password_digest_matches_the_onvif_programmers_guide_example) {
  // ONVIF Application Programmer's Guide, 6.1.1.3: nonce (base64)
  // LKqI6G/AikKCQrN0zqZFlg==, created 2010-09-16T07:50:45Z, password
  // userpassword.
  const unsigned char nonce[]
      = {0x2c, 0xaa, 0x88, 0xe8, 0x6f, 0xc0, 0x8a, 0x42,
         0x82, 0x42, 0xb3, 0x74, 0xce, 0xa6, 0x45, 0x96};
  std::string raw(reinterpret_cast<const char*>(nonce), sizeof(nonce));
  EXPECT_EQ(password_digest(raw, "2010-09-16T07:50:45Z", "userpassword"),
            "tuOSpGlFlIXsozq4HFNeeGeFLEI=");
}

TEST(onvif_soap, envelope_carries_a_username_token_of_its_created_time) {
  auto xml = envelope(request::get_profiles(), {"admin", "pw"},
                      "0123456789abcdef", int64_t{1285000000});
  EXPECT_EQ(element_text(xml, "Username"), "admin");
  auto created = element_text(xml, "Created");
  EXPECT_EQ(created, utc_timestamp(int64_t{1285000000}));
  EXPECT_EQ(element_text(xml, "Password"),
            password_digest("0123456789abcdef", created, "pw"));
  EXPECT_EQ(element_text(xml, "Nonce"), "MDEyMzQ1Njc4OWFiY2RlZg==");
  EXPECT_NE(xml.find("<trt:GetProfiles"), std::string::npos);
  // No user: no Security header at all.
  auto bare = envelope(request::get_profiles(), {}, "n", 0);
  EXPECT_EQ(bare.find("Security"), std::string::npos);
}

TEST(onvif_soap, timestamps_are_utc_with_milliseconds) {
  EXPECT_EQ(utc_timestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(utc_timestamp(1796069622123), "2026-11-30T20:13:42.123Z");
}

TEST(onvif_soap, durations_round_trip_and_odd_ones_are_refused) {
  EXPECT_EQ(duration(2000), "PT2S");
  EXPECT_EQ(duration(1500), "PT1.500S");
  EXPECT_EQ(parse_duration("PT1.5S"), 1500);
  EXPECT_EQ(parse_duration("PT0S"), 0);
  EXPECT_EQ(parse_duration("PT10S"), 10000);
  EXPECT_EQ(parse_duration("PT1M2.5S"), 62500);
  EXPECT_EQ(parse_duration("PT1H"), 3600000);
  EXPECT_EQ(parse_duration("PT1093754.348S"), 1093754348);
  for (auto bad : {"", "P1D", "PT", "PTS", "PT1X", "1S", "PT-1S", "PT1S2M",
                   "PT1S1S", "PT1.5"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(onvif_soap, requests_carry_velocities_timeout_and_escaped_tokens) {
  auto move = request::continuous_move("a<b", 0.5, -0.25, true, 0.125, 1500);
  EXPECT_NE(move.find("<tptz:ProfileToken>a&lt;b</tptz:ProfileToken>"),
            std::string::npos);
  EXPECT_NE(move.find("x=\"0.5000\" y=\"-0.2500\""), std::string::npos);
  EXPECT_NE(move.find("<tt:Zoom x=\"0.1250\""), std::string::npos);
  EXPECT_NE(move.find("<tptz:Timeout>PT1.500S</tptz:Timeout>"),
            std::string::npos);
  auto no_zoom = request::continuous_move("p", 0.1, 0, false, 0.9, 0);
  EXPECT_EQ(no_zoom.find("Zoom"), std::string::npos);
  EXPECT_EQ(no_zoom.find("Timeout"), std::string::npos);
  auto stop = request::stop("p", true, false);
  EXPECT_NE(stop.find("<tptz:PanTilt>true</tptz:PanTilt><tptz:Zoom>false"),
            std::string::npos);
  EXPECT_EQ(action_uri("ContinuousMove"),
            "http://www.onvif.org/ver20/ptz/wsdl/ContinuousMove");
  EXPECT_EQ(action_uri("GetProfiles"),
            "http://www.onvif.org/ver10/media/wsdl/GetProfiles");
}

TEST(onvif_soap, service_addresses_are_pinned_to_the_configured_host) {
  auto base = std::string("http://127.0.0.1:8089/onvif/device_service");
  EXPECT_EQ(pin_to(base, "http://192.168.68.111/onvif/services"),
            "http://127.0.0.1:8089/onvif/services");
  EXPECT_EQ(pin_to(base, "https://evil.example:443/ptz?x=1"),
            "http://127.0.0.1:8089/ptz?x=1");
  EXPECT_EQ(pin_to(base, "http://10.0.0.9"), "http://127.0.0.1:8089/");
  EXPECT_EQ(pin_to(base, "/onvif/ptz"), "http://127.0.0.1:8089/onvif/ptz");
  EXPECT_EQ(pin_to("http://cam", "http://other/x"), "http://cam/x");
}

TEST(onvif_soap, recorded_capabilities_and_services_name_the_ptz_service) {
  REQUIRE_RECORDED(caps, "GetCapabilities.xml");
  auto c = parse_capabilities(caps);
  ASSERT_TRUE(c) << render(c.error());
  EXPECT_EQ(c->ptz, "http://192.168.68.111/onvif/services");
  EXPECT_EQ(c->media, "http://192.168.68.111/onvif/services");
  REQUIRE_RECORDED(list, "GetServices.xml");
  auto s = parse_services(list);
  ASSERT_TRUE(s) << render(s.error());
  EXPECT_EQ(s->ptz, "http://192.168.68.111/onvif/services");
}

TEST(onvif_soap, recorded_profiles_name_their_ptz_configuration) {
  REQUIRE_RECORDED(xml, "GetProfiles.xml");
  auto p = parse_profiles(xml);
  ASSERT_TRUE(p) << render(p.error());
  ASSERT_FALSE(p->empty());
  EXPECT_EQ(p->front().token, "main");
  EXPECT_EQ(p->front().ptz_configuration, "default");
}

TEST(onvif_soap, recorded_configuration_options_give_ranges_and_timeouts) {
  REQUIRE_RECORDED(xml, "GetConfigurationOptions.xml");
  auto o = parse_configuration_options(xml);
  ASSERT_TRUE(o) << render(o.error());
  EXPECT_DOUBLE_EQ(o->pan_velocity.min, -1);
  EXPECT_DOUBLE_EQ(o->pan_velocity.max, 1);
  EXPECT_TRUE(o->has_zoom);
  // This camera states its absolute pan/tilt space as [0, 1].
  EXPECT_DOUBLE_EQ(o->pan_position.min, 0);
  EXPECT_DOUBLE_EQ(o->pan_position.max, 1);
  EXPECT_EQ(o->timeout_min_ms, 0);
  EXPECT_EQ(o->timeout_max_ms, 10000);
}

TEST(onvif_soap, recorded_status_gives_position_and_move_state) {
  REQUIRE_RECORDED(xml, "GetStatus.xml");
  auto s = parse_status(xml);
  ASSERT_TRUE(s) << render(s.error());
  EXPECT_TRUE(s->has_pan_tilt);
  EXPECT_NEAR(s->pan, -0.864665985, 1e-9);
  EXPECT_NEAR(s->tilt, 0.267444015, 1e-9);
  EXPECT_TRUE(s->has_zoom);
  EXPECT_NEAR(s->zoom, 0.211861998, 1e-9);
  EXPECT_FALSE(s->moving);
}

TEST(onvif_soap, recorded_clock_presets_and_fault) {
  REQUIRE_RECORDED(clock, "GetSystemDateAndTime.xml");
  auto t = parse_system_date_and_time(clock);
  ASSERT_TRUE(t) << render(t.error());
  EXPECT_EQ(*t, 1419448477000); // 2014-12-24T19:14:37Z
  REQUIRE_RECORDED(presets, "ptz.GetPresets.xml");
  auto p = parse_presets(presets);
  ASSERT_TRUE(p) << render(p.error());
  ASSERT_GE(p->size(), 1u);
  EXPECT_EQ(p->front().token, "P001");
  EXPECT_EQ(p->front().name, "P001");
  // Error.xml's declaration has typographic quotes; the fault still reads.
  REQUIRE_RECORDED(error, "Error.xml");
  auto f = find_fault(error);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, "fault code");
  EXPECT_EQ(f->subcode, "ter:fault subcode");
  EXPECT_EQ(f->reason, "fault reason");
  EXPECT_EQ(describe(*f), "ter:fault subcode: fault reason (fault code)");
  // A parser handed a fault says so with the fault's words.
  auto as_status = parse_status(error);
  ASSERT_FALSE(as_status);
  EXPECT_NE(render(as_status.error()).find("fault reason"), std::string::npos);
}

TEST(onvif_soap, every_recorded_answer_is_read_without_a_fault) {
  if (!std::filesystem::is_directory(recorded_dir))
    GTEST_SKIP() << "missing " << recorded_dir << " (run `make node-deps`)";
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(recorded_dir)) {
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    auto f = find_fault(text.str());
    EXPECT_EQ(f.has_value(), e.path().filename() == "Error.xml") << e.path();
    ++files;
  }
  EXPECT_GE(files, 70);
}

TEST(onvif_soap, malformed_answers_are_clear_errors) {
  for (auto bad : {"", "not xml", "<a>", "<Envelope/>",
                   "<s:Envelope xmlns:s='x'><s:Body/></s:Envelope>"}) {
    auto s = parse_status(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code(), static_cast<uint8_t>(ec::ptz_device_failed))
        << bad;
    EXPECT_NE(render(s.error()).find("GetStatus"), std::string::npos);
  }
  auto bad_range = parse_configuration_options(
      "<E><Body><R><PTZConfigurationOptions><Spaces>"
      "<ContinuousPanTiltVelocitySpace><XRange><Min>1</Min><Max>-1</Max>"
      "</XRange></ContinuousPanTiltVelocitySpace></Spaces>"
      "</PTZConfigurationOptions></R></Body></E>");
  EXPECT_FALSE(bad_range);
  // Found by fuzz_onvif: a year of 17 digits overflowed the milliseconds.
  auto far_future = parse_system_date_and_time(
      "<E><Body><R><UTCDateTime><Date><Year>65917010657370380</Year><Month>1"
      "</Month><Day>1</Day></Date><Time><Hour>0</Hour><Minute>0</Minute>"
      "<Second>0</Second></Time></UTCDateTime></R></Body></E>");
  EXPECT_FALSE(far_future);
  auto negative_hour = parse_system_date_and_time(
      "<E><Body><R><UTCDateTime><Date><Year>2020</Year><Month>1</Month><Day>1"
      "</Day></Date><Time><Hour>-3</Hour><Minute>0</Minute><Second>0</Second>"
      "</Time></UTCDateTime></R></Body></E>");
  EXPECT_FALSE(negative_hour);
  auto no_date = parse_system_date_and_time(
      "<E><Body><R><UTCDateTime><Date><Year>1900</Year></Date></UTCDateTime>"
      "</R></Body></E>");
  EXPECT_FALSE(no_date);
}

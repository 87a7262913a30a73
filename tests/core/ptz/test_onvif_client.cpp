// SPDX-License-Identifier: Apache-2.0
// The ONVIF client's call sequence and command mapping over a scripted
// transport (the loopback device with recorded answers is in
// tests/integration/test_ptz_onvif.py).
#include "core/ptz/onvif_client.hpp"
#include "messages/error.hpp"
#include "tests/support/onvif_scripted_device.hpp"

#include <gtest/gtest.h>

using namespace argus;
using namespace argus::onvif;
using argus::test::answer;
using argus::test::fault_answer;
using argus::test::scripted_device;
using kind = ptz_command::kind;

namespace {

onvif_config settings() {
  onvif_config cfg;
  cfg.address = "http://127.0.0.1:18080";
  cfg.username = "admin";
  cfg.password = "secret";
  return cfg;
}

ptz_command command(kind what, double pan = 0, double tilt = 0, double zoom = 0,
                    int64_t timeout_ms = 0) {
  ptz_command c;
  c.what = what;
  c.pan = pan;
  c.tilt = tilt;
  c.zoom = zoom;
  c.timeout_ms = timeout_ms;
  return c;
}

} // namespace

TEST(onvif_client, connects_in_order_and_only_to_the_configured_host) {
  scripted_device dev;
  client c{settings(), dev.io()};
  ASSERT_FALSE(c.connect());
  EXPECT_TRUE(c.connected());
  EXPECT_EQ(dev.ops(),
            (std::vector<std::string>{"GetSystemDateAndTime", "GetCapabilities",
                                      "GetProfiles", "GetConfigurationOptions",
                                      "GetStatus"}));
  // The device named 10.1.2.3; argus stays on the configured address.
  EXPECT_EQ(dev.seen[0].url, "http://127.0.0.1:18080/onvif/device_service");
  EXPECT_EQ(dev.seen[2].url, "http://127.0.0.1:18080/media");
  EXPECT_EQ(dev.seen[3].url, "http://127.0.0.1:18080/ptz");
  // The clock query goes unsigned, the rest signed.
  EXPECT_EQ(dev.seen[0].body.find("UsernameToken"), std::string::npos);
  EXPECT_NE(dev.seen[1].body.find("<wsse:Username>admin</wsse:Username>"),
            std::string::npos);
  EXPECT_EQ(c.profile_token(), "main");
  EXPECT_NE(dev.seen[3].body.find(">ptzcfg<"), std::string::npos);
}

TEST(onvif_client, signs_with_the_devices_clock) {
  scripted_device dev;
  client c{settings(), dev.io()};
  ASSERT_FALSE(c.connect());
  // Device 2023-11-14T22:13:20Z, we 2020-09-13T12:26:40Z.
  EXPECT_EQ(c.clock_offset_ms(), int64_t{1700000000000} - 1600000000000);
  EXPECT_NE(dev.seen[1].body.find("<wsu:Created>2023-11-14T22:13:20.000Z"),
            std::string::npos);
}

TEST(onvif_client, velocities_and_timeouts_respect_the_devices_ranges) {
  scripted_device dev;
  client c{settings(), dev.io()};
  ASSERT_FALSE(c.connect());
  dev.seen.clear();
  auto pose = c.execute(command(kind::move, 1.0, -0.5, 0.25, 2000));
  ASSERT_TRUE(pose) << render(pose.error());
  EXPECT_TRUE(pose->moving);
  ASSERT_EQ(dev.ops(), std::vector<std::string>{"ContinuousMove"});
  auto& body = dev.seen[0].body;
  // Pan range [-0.5, 0.5]: full speed is 0.5; tilt and zoom are generic.
  EXPECT_NE(body.find("x=\"0.5000\" y=\"-0.5000\""), std::string::npos) << body;
  EXPECT_NE(body.find("<tt:Zoom x=\"0.2500\""), std::string::npos) << body;
  // PTZTimeout allows at most PT1S.
  EXPECT_NE(body.find("<tptz:Timeout>PT1S</tptz:Timeout>"), std::string::npos);
  EXPECT_DOUBLE_EQ(client::to_device(-2, {-0.5, 0.5}), -0.5);
  EXPECT_DOUBLE_EQ(client::to_device(0.5, {-10, 20}), 10);
}

TEST(onvif_client, status_maps_the_position_space_to_argus_ranges) {
  scripted_device dev;
  client c{settings(), dev.io()};
  ASSERT_FALSE(c.connect());
  auto pose = c.execute(command(kind::none));
  ASSERT_TRUE(pose);
  EXPECT_TRUE(pose->known);
  // Position space [0, 1] -> [-1, 1]: 0.75 is half way right, 0.5 level.
  EXPECT_DOUBLE_EQ(pose->pan, 0.5);
  EXPECT_DOUBLE_EQ(pose->tilt, 0.0);
  EXPECT_DOUBLE_EQ(pose->zoom, 0.2);
  EXPECT_TRUE(pose->moving); // the lens still moves
}

TEST(onvif_client, stop_home_and_presets) {
  scripted_device dev;
  client c{settings(), dev.io()};
  ASSERT_FALSE(c.connect());
  dev.seen.clear();
  auto stopped = c.execute(command(kind::stop));
  ASSERT_TRUE(stopped);
  EXPECT_FALSE(stopped->moving);
  EXPECT_NE(dev.seen[0].body.find("<tptz:PanTilt>true</tptz:PanTilt><tptz:Zoom>"
                                  "true</tptz:Zoom>"),
            std::string::npos);
  ASSERT_TRUE(c.execute(command(kind::home)));
  auto preset = command(kind::preset);
  preset.preset = "gate"; // by name; the device's token is 7
  ASSERT_TRUE(c.execute(preset));
  EXPECT_NE(dev.seen.back().body.find("<tptz:PresetToken>7</tptz:PresetToken>"),
            std::string::npos);
  preset.preset = "nowhere";
  auto missing = c.execute(preset);
  ASSERT_FALSE(missing);
  EXPECT_NE(render(missing.error()).find("no preset 'nowhere'"),
            std::string::npos);
  EXPECT_EQ(dev.ops(), (std::vector<std::string>{"Stop", "GotoHomePosition",
                                                 "GetPresets", "GotoPreset"}));
}

TEST(onvif_client, a_head_without_home_goes_to_the_centre) {
  scripted_device dev;
  dev.faults["GotoHomePosition"]
      = fault_answer("ter:NoHomePosition", "No home position defined");
  client c{settings(), dev.io()};
  ASSERT_FALSE(c.connect());
  dev.seen.clear();
  ASSERT_TRUE(c.execute(command(kind::home)));
  EXPECT_EQ(dev.ops(),
            (std::vector<std::string>{"GotoHomePosition", "AbsoluteMove"}));
  // The centre of the [0, 1] position space, wide.
  EXPECT_NE(dev.seen[1].body.find("x=\"0.5000\" y=\"0.5000\""),
            std::string::npos);
}

TEST(onvif_client, faults_are_clear_errors_and_keep_the_connection) {
  scripted_device dev;
  client c{settings(), dev.io()};
  ASSERT_FALSE(c.connect());
  dev.faults["ContinuousMove"]
      = fault_answer("ter:NotAuthorized", "Sender not authorized");
  auto refused = c.execute(command(kind::move, 0.3));
  ASSERT_FALSE(refused);
  auto text = render(refused.error());
  EXPECT_NE(
      text.find("ContinuousMove: ter:NotAuthorized: Sender not authorized"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("username and password"), std::string::npos);
  EXPECT_FALSE(c.lost_connection());
  EXPECT_TRUE(c.connected());
}

TEST(onvif_client, a_device_that_does_not_answer_disconnects_the_client) {
  scripted_device dev;
  client c{settings(), dev.io()};
  ASSERT_FALSE(c.connect());
  dev.unreachable = true;
  auto lost = c.execute(command(kind::move, 0.3));
  ASSERT_FALSE(lost);
  EXPECT_TRUE(c.lost_connection());
  EXPECT_FALSE(c.connected());
  EXPECT_NE(render(lost.error()).find("Connection refused"), std::string::npos);
  auto refused = c.execute(command(kind::move, 0.3));
  EXPECT_FALSE(refused);
  // It comes back: connecting again works.
  dev.unreachable = false;
  EXPECT_FALSE(c.connect());
  EXPECT_TRUE(c.execute(command(kind::move, 0.3)));
}

TEST(onvif_client, profile_choice_and_its_errors) {
  scripted_device dev;
  auto cfg = settings();
  cfg.profile = "sub";
  client picked{cfg, dev.io()};
  ASSERT_FALSE(picked.connect());
  EXPECT_EQ(picked.profile_token(), "sub");
  cfg.profile = "nope";
  client wrong{cfg, dev.io()};
  auto err = wrong.connect();
  ASSERT_TRUE(err);
  EXPECT_NE(render(err).find("no media profile 'nope' (profiles: sub, main)"),
            std::string::npos)
      << render(err);
  EXPECT_FALSE(wrong.connected());
  dev.answers["GetProfiles"] = answer(
      "<GetProfilesResponse><Profiles token=\"a\"/></GetProfilesResponse>");
  client none{settings(), dev.io()};
  auto no_ptz = none.connect();
  ASSERT_TRUE(no_ptz);
  EXPECT_NE(render(no_ptz).find("no media profile has a PTZ configuration"),
            std::string::npos);
}

TEST(onvif_client, get_services_is_the_fallback_for_capabilities) {
  scripted_device dev;
  dev.faults["GetCapabilities"] = fault_answer("ter:ActionNotSupported", "no");
  dev.answers["GetServices"] = answer(
      "<GetServicesResponse><Service><Namespace>http://www.onvif.org/ver20/ptz/"
      "wsdl</Namespace><XAddr>http://10.9.9.9/onvif/ptz_service</XAddr>"
      "</Service></GetServicesResponse>");
  client c{settings(), dev.io()};
  ASSERT_FALSE(c.connect());
  EXPECT_EQ(dev.seen[2].op, "GetServices");
  EXPECT_EQ(dev.seen.back().url, "http://127.0.0.1:18080/onvif/ptz_service");
}

TEST(onvif_client, http_errors_without_soap_are_named) {
  scripted_device dev;
  client c{settings(), dev.io()};
  ASSERT_FALSE(c.connect());
  dev.raw["ContinuousMove"] = {401, ""};
  auto denied = c.execute(command(kind::move, 0.3));
  ASSERT_FALSE(denied);
  EXPECT_NE(render(denied.error()).find("HTTP 401"), std::string::npos);
  EXPECT_NE(render(denied.error()).find("username and password"),
            std::string::npos);
  dev.raw["ContinuousMove"] = {500, "<html>oops</html>"};
  auto broken = c.execute(command(kind::move, 0.3));
  ASSERT_FALSE(broken);
  EXPECT_NE(render(broken.error()).find("ContinuousMove: HTTP 500"),
            std::string::npos);
  // A 200 that is not SOAP is no success either.
  dev.raw["GetStatus"] = {200, "<html>login</html>"};
  auto status = c.execute(command(kind::none));
  ASSERT_FALSE(status);
  EXPECT_NE(render(status.error()).find("not a SOAP envelope"),
            std::string::npos);
  EXPECT_TRUE(c.connected());
}

TEST(onvif_client, home_falls_back_only_where_the_device_has_no_home) {
  scripted_device dev;
  dev.faults["GotoHomePosition"] = fault_answer("ter:InvalidArgVal", "busy");
  client c{settings(), dev.io()};
  ASSERT_FALSE(c.connect());
  dev.seen.clear();
  auto refused = c.execute(command(kind::home));
  ASSERT_FALSE(refused);
  EXPECT_NE(render(refused.error()).find("busy"), std::string::npos);
  EXPECT_EQ(dev.ops(), std::vector<std::string>{"GotoHomePosition"});
}

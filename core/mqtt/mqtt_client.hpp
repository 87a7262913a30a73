// SPDX-License-Identifier: Apache-2.0
// A connection to an MQTT broker over libmosquitto, with its own network
// thread: connecting, reconnecting with backoff and reading happen there,
// never on a CAF or Beast thread. publish() only queues and returns.
#pragma once

#include "core/backoff.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct mosquitto;
struct mosquitto_message;

namespace argus {

/// Where and how to connect.
struct mqtt_client_config {
  std::string host;
  int port = 1883;
  std::string client_id;
  /// Empty: anonymous.
  std::string username;
  std::string password;
  int keepalive_s = 30;
  backoff_policy retry;
  /// Gets "online" (retained) on every connect, "offline" as the last will
  /// and when stop() runs.
  std::string availability_topic;
  /// Subscribed on every connect.
  std::vector<std::string> subscriptions;
};

/// One broker connection. Callbacks run on the network thread: keep them
/// short and thread-safe (the bridge only anon_sends).
class mqtt_client {
public:
  /// A message on a subscribed topic.
  using message_fn
      = std::function<void(std::string topic, std::string payload)>;
  /// The link went up (detail "connected") or an attempt failed or the
  /// link was lost (up false, with why).
  using link_fn = std::function<void(bool up, std::string detail)>;

  mqtt_client(mqtt_client_config cfg, message_fn on_message, link_fn on_link);
  ~mqtt_client();
  mqtt_client(const mqtt_client&) = delete;
  mqtt_client& operator=(const mqtt_client&) = delete;

  /// Starts the network thread (which connects).
  void start();

  /// Queues one message. @returns false when it was not taken: the broker
  /// is not connected, or libmosquitto refused it. Never blocks on I/O.
  bool publish(const std::string& topic, const std::string& payload, int qos,
               bool retain);

  /// Publishes "offline", waits up to `grace` for the broker to take it,
  /// disconnects and joins the network thread. Idempotent.
  void stop(std::chrono::milliseconds grace);

  bool connected() const { return connected_; }

private:
  void run();
  void wait_before_retry(int ms);
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_publish(mosquitto*, void* self, int mid);
  static void on_message(mosquitto*, void* self, const mosquitto_message* m);

  mqtt_client_config cfg_;
  message_fn on_message_;
  link_fn on_link_;
  mosquitto* mosq_ = nullptr;
  std::thread thread_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> offline_mid_{-1};
  std::atomic<bool> offline_acked_{false};
  /// Network thread only: the last CONNACK accepted and no loss since.
  bool up_ = false;
  /// Set by stop() before the thread is told to end.
  std::chrono::milliseconds stop_grace_{0};
  std::mutex mtx_;
  std::condition_variable wake_;
  backoff backoff_;
};

} // namespace argus

// SPDX-License-Identifier: Apache-2.0
#include "core/mqtt/mqtt_client.hpp"

#include <cerrno>
#include <cstring>
#include <mosquitto.h>
#include <mutex>

namespace argus {

namespace {

constexpr const char* online = "online";
constexpr const char* offline = "offline";
/// How long one mosquitto_loop call may wait for the socket. publish()
/// wakes it early (libmosquitto's socket pair), so this only bounds how
/// soon stop() is noticed.
constexpr int loop_timeout_ms = 100;

std::string describe(int rc) {
  if (rc == MOSQ_ERR_ERRNO)
    return std::strerror(errno);
  return mosquitto_strerror(rc);
}

} // namespace

mqtt_client::mqtt_client(mqtt_client_config cfg, message_fn on_message,
                         link_fn on_link)
    : cfg_(std::move(cfg)), on_message_(std::move(on_message)),
      on_link_(std::move(on_link)),
      backoff_(cfg_.retry, std::hash<std::string>{}(cfg_.client_id)) {
  static std::once_flag init;
  std::call_once(init, [] { mosquitto_lib_init(); });
  mosq_ = mosquitto_new(cfg_.client_id.c_str(), /*clean_session*/ true, this);
  if (!mosq_)
    return;
  // publish() runs on other threads than the loop: libmosquitto's locks.
  mosquitto_threaded_set(mosq_, true);
  if (!cfg_.username.empty())
    mosquitto_username_pw_set(mosq_, cfg_.username.c_str(),
                              cfg_.password.empty() ? nullptr
                                                    : cfg_.password.c_str());
  mosquitto_will_set(mosq_, cfg_.availability_topic.c_str(),
                     int(std::strlen(offline)), offline, 1, true);
  mosquitto_connect_callback_set(mosq_, &mqtt_client::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &mqtt_client::on_disconnect);
  mosquitto_publish_callback_set(mosq_, &mqtt_client::on_publish);
  mosquitto_message_callback_set(mosq_, &mqtt_client::on_message);
}

mqtt_client::~mqtt_client() {
  stop(std::chrono::milliseconds(0));
  if (mosq_)
    mosquitto_destroy(mosq_);
}

void mqtt_client::start() {
  if (!mosq_) {
    on_link_(false, "cannot create an MQTT client");
    return;
  }
  if (!thread_.joinable())
    thread_ = std::thread([this] { run(); });
}

bool mqtt_client::publish(const std::string& topic, const std::string& payload,
                          int qos, bool retain) {
  if (!connected_ || stopping_)
    return false;
  return mosquitto_publish(mosq_, nullptr, topic.c_str(), int(payload.size()),
                           payload.data(), qos, retain)
         == MOSQ_ERR_SUCCESS;
}

void mqtt_client::stop(std::chrono::milliseconds grace) {
  if (!thread_.joinable())
    return;
  if (connected_ && !stopping_) {
    int mid = -1;
    if (mosquitto_publish(mosq_, &mid, cfg_.availability_topic.c_str(),
                          int(std::strlen(offline)), offline, 1, true)
        == MOSQ_ERR_SUCCESS)
      offline_mid_ = mid;
  }
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stop_grace_ = grace;
    stopping_ = true;
  }
  wake_.notify_all();
  // The thread waits for the broker's PUBACK of "offline" up to `grace`.
  thread_.join();
}

void mqtt_client::wait_before_retry(int ms) {
  std::unique_lock<std::mutex> lock{mtx_};
  wake_.wait_for(lock, std::chrono::milliseconds(ms),
                 [this] { return stopping_.load(); });
}

void mqtt_client::run() {
  bool socket_open = false;
  while (!stopping_) {
    if (!socket_open) {
      // Non-blocking connect: the CONNACK arrives through mosquitto_loop.
      auto rc = mosquitto_connect_async(mosq_, cfg_.host.c_str(), cfg_.port,
                                        cfg_.keepalive_s);
      if (rc != MOSQ_ERR_SUCCESS) {
        on_link_(false, "cannot connect to " + cfg_.host + ":"
                            + std::to_string(cfg_.port) + ": " + describe(rc));
        wait_before_retry(backoff_.next_delay_ms());
        continue;
      }
      socket_open = true;
    }
    auto rc = mosquitto_loop(mosq_, loop_timeout_ms, 1);
    if (rc != MOSQ_ERR_SUCCESS) {
      socket_open = false;
      bool was_up = up_;
      up_ = false;
      connected_ = false;
      on_link_(false, (was_up ? "connection lost: " : "cannot connect: ")
                          + describe(rc));
      wait_before_retry(backoff_.next_delay_ms());
    }
  }
  if (!socket_open)
    return;
  auto deadline = std::chrono::steady_clock::now() + stop_grace_;
  while (connected_ && offline_mid_ >= 0 && !offline_acked_
         && std::chrono::steady_clock::now() < deadline)
    if (mosquitto_loop(mosq_, loop_timeout_ms, 1) != MOSQ_ERR_SUCCESS)
      break;
  mosquitto_disconnect(mosq_);
  mosquitto_loop(mosq_, loop_timeout_ms, 1);
  connected_ = false;
}

void mqtt_client::on_connect(mosquitto* m, void* ptr, int rc) {
  auto self = static_cast<mqtt_client*>(ptr);
  if (rc != 0) {
    // Refused (bad credentials, id rejected): the loop sees the socket
    // close and retries after the backoff.
    self->on_link_(false, std::string("broker refused the connection: ")
                              + mosquitto_connack_string(rc));
    mosquitto_disconnect(m);
    return;
  }
  self->backoff_.reset();
  for (auto& filter : self->cfg_.subscriptions)
    mosquitto_subscribe(m, nullptr, filter.c_str(), 1);
  mosquitto_publish(m, nullptr, self->cfg_.availability_topic.c_str(),
                    int(std::strlen(online)), online, 1, true);
  self->up_ = true;
  self->connected_ = true;
  self->on_link_(true, "connected");
}

void mqtt_client::on_disconnect(mosquitto*, void* ptr, int rc) {
  auto self = static_cast<mqtt_client*>(ptr);
  // The loop reports the loss (it sees the error too); only mark it here.
  self->connected_ = false;
}

void mqtt_client::on_publish(mosquitto*, void* ptr, int mid) {
  auto self = static_cast<mqtt_client*>(ptr);
  if (mid == self->offline_mid_)
    self->offline_acked_ = true;
}

void mqtt_client::on_message(mosquitto*, void* ptr,
                             const mosquitto_message* m) {
  auto self = static_cast<mqtt_client*>(ptr);
  if (!m || !m->topic)
    return;
  std::string payload;
  if (m->payload && m->payloadlen > 0)
    payload.assign(static_cast<const char*>(m->payload), size_t(m->payloadlen));
  self->on_message_(m->topic, std::move(payload));
}

} // namespace argus

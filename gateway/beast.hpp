// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace argus {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;
} // namespace argus

// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/onvif_soap.hpp"

#include "messages/error.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <pugixml.hpp>

namespace argus::onvif {

namespace {

const char* const ns_device = "http://www.onvif.org/ver10/device/wsdl";
const char* const ns_media = "http://www.onvif.org/ver10/media/wsdl";
const char* const ns_ptz = "http://www.onvif.org/ver20/ptz/wsdl";
const char* const ns_schema = "http://www.onvif.org/ver10/schema";

const char* const pan_tilt_velocity_space
    = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/VelocityGenericSpace";
const char* const zoom_velocity_space
    = "http://www.onvif.org/ver10/tptz/ZoomSpaces/VelocityGenericSpace";

std::string base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                           static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// A number as xs:float text: plain, no exponent, no locale.
std::string num(double v) {
  if (!std::isfinite(v))
    v = 0;
  return fmt::format("{:.4f}", v);
}

const char* local_name(const char* qualified) {
  const char* colon = std::strrchr(qualified, ':');
  return colon ? colon + 1 : qualified;
}

bool named(const pugi::xml_node& n, const char* name) {
  return std::strcmp(local_name(n.name()), name) == 0;
}

/// The first child element called `name` (any prefix).
pugi::xml_node child(const pugi::xml_node& parent, const char* name) {
  for (auto c : parent.children())
    if (c.type() == pugi::node_element && named(c, name))
      return c;
  return {};
}

/// The first element called `name` anywhere below `root`.
pugi::xml_node find(const pugi::xml_node& root, const char* name) {
  return root.find_node([name](const pugi::xml_node& n) {
    return n.type() == pugi::node_element && named(n, name);
  });
}

/// Text of an element with surrounding whitespace trimmed.
std::string text_of(const pugi::xml_node& n) {
  std::string t = n.child_value();
  auto b = t.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
    return {};
  auto e = t.find_last_not_of(" \t\r\n");
  return t.substr(b, e - b + 1);
}

fault read_fault(const pugi::xml_node& f) {
  fault out;
  auto code = child(f, "Code");
  out.code = text_of(child(code, "Value"));
  // The innermost Subcode is the most specific (ter:NotAuthorized).
  for (auto sub = child(code, "Subcode"); sub; sub = child(sub, "Subcode"))
    out.subcode = text_of(child(sub, "Value"));
  out.reason = text_of(child(child(f, "Reason"), "Text"));
  return out;
}

caf::error unreadable(const std::string& what, const std::string& why) {
  return caf::make_error(ec::ptz_device_failed,
                         fmt::format("{}: {}", what, why));
}

/// The Body of a SOAP answer, or why there is none: XML that does not
/// parse, a Fault, or no Body at all.
caf::expected<pugi::xml_node> body_of(pugi::xml_document& doc,
                                      const std::string& xml,
                                      const std::string& what) {
  auto parsed = doc.load_buffer(xml.data(), xml.size(),
                                pugi::parse_default & ~pugi::parse_declaration);
  if (!parsed)
    return unreadable(what,
                      std::string("not XML (") + parsed.description() + ")");
  auto env = doc.document_element();
  if (!named(env, "Envelope"))
    return unreadable(what, "not a SOAP envelope");
  auto body = child(env, "Body");
  if (!body)
    return unreadable(what, "the envelope has no Body");
  if (auto f = child(body, "Fault"))
    return unreadable(what, describe(read_fault(f)));
  return body;
}

std::string wrap(const char* ns_prefix, const char* ns, const std::string& op,
                 const std::string& inner) {
  return fmt::format(
      "<{0}:{1} xmlns:{0}=\"{2}\" xmlns:tt=\"{3}\">{4}</{0}:{1}>", ns_prefix,
      op, ns, ns_schema, inner);
}

std::string profile_token(const std::string& profile) {
  return "<tptz:ProfileToken>" + escape(profile) + "</tptz:ProfileToken>";
}

caf::expected<range> read_range(const pugi::xml_node& n) {
  auto lo = child(n, "Min"), hi = child(n, "Max");
  if (!lo || !hi)
    return unreadable("a range", "Min or Max missing");
  char* end = nullptr;
  auto lo_text = text_of(lo), hi_text = text_of(hi);
  range r;
  r.min = std::strtod(lo_text.c_str(), &end);
  if (end == lo_text.c_str())
    return unreadable("a range", "Min is not a number");
  r.max = std::strtod(hi_text.c_str(), &end);
  if (end == hi_text.c_str() || !(r.min <= r.max))
    return unreadable("a range", "Max is not a number above Min");
  return r;
}

/// Reads XRange (and YRange) of a space into `x` (and `y`).
caf::error read_space(const pugi::xml_node& space, range& x, range* y) {
  if (auto xr = child(space, "XRange")) {
    auto r = read_range(xr);
    if (!r)
      return std::move(r.error());
    x = *r;
  }
  if (y)
    if (auto yr = child(space, "YRange")) {
      auto r = read_range(yr);
      if (!r)
        return std::move(r.error());
      *y = *r;
    }
  return {};
}

bool attr_double(const pugi::xml_node& n, const char* name, double& out) {
  auto a = n.attribute(name);
  if (!a)
    return false;
  char* end = nullptr;
  double v = std::strtod(a.value(), &end);
  if (end == a.value() || !std::isfinite(v))
    return false;
  out = v;
  return true;
}

} // namespace

std::string password_digest(const std::string& nonce,
                            const std::string& created,
                            const std::string& password) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  auto input = nonce + created + password;
  EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha1(), nullptr);
  return base64(digest, len);
}

std::string utc_timestamp(int64_t unix_ms) {
  auto secs = static_cast<time_t>(unix_ms >= 0 ? unix_ms / 1000 : 0);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, unix_ms >= 0 ? unix_ms % 1000 : 0);
}

std::string duration(int64_t ms) {
  if (ms < 0)
    ms = 0;
  if (ms % 1000 == 0)
    return fmt::format("PT{}S", ms / 1000);
  return fmt::format("PT{}.{:03}S", ms / 1000, ms % 1000);
}

std::optional<int64_t> parse_duration(const std::string& text) {
  // [-]P[nD]T[nH][nM][n[.n]S]: days and above are refused (no PTZ timeout
  // is that long, and months have no fixed length).
  if (text.size() < 3 || text.rfind("PT", 0) != 0)
    return std::nullopt;
  double total_ms = 0;
  size_t pos = 2;
  bool any = false;
  char last_unit = 0;
  while (pos < text.size()) {
    size_t start = pos;
    while (pos < text.size()
           && (std::isdigit(static_cast<unsigned char>(text[pos]))
               || text[pos] == '.'))
      ++pos;
    if (pos == start || pos == text.size())
      return std::nullopt;
    double value
        = std::strtod(text.substr(start, pos - start).c_str(), nullptr);
    char unit = text[pos++];
    double scale = unit == 'H'   ? 3600e3
                   : unit == 'M' ? 60e3
                   : unit == 'S' ? 1e3
                                 : 0;
    // Units in order, each once, S last.
    bool ordered = (unit == 'H' && last_unit == 0)
                   || (unit == 'M' && (last_unit == 0 || last_unit == 'H'))
                   || (unit == 'S' && last_unit != 'S');
    if (scale == 0 || !ordered)
      return std::nullopt;
    last_unit = unit;
    total_ms += value * scale;
    any = true;
  }
  if (!any || !std::isfinite(total_ms) || total_ms > 1e15)
    return std::nullopt;
  return static_cast<int64_t>(std::llround(total_ms));
}

std::string envelope(const std::string& body, const credentials& who,
                     const std::string& nonce, int64_t created_unix_ms) {
  std::string header;
  if (!who.username.empty()) {
    auto created = utc_timestamp(created_unix_ms);
    header = fmt::format(
        "<s:Header><wsse:Security s:mustUnderstand=\"1\" "
        "xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/"
        "oasis-200401-wss-wssecurity-secext-1.0.xsd\" "
        "xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/"
        "oasis-200401-wss-wssecurity-utility-1.0.xsd\">"
        "<wsse:UsernameToken><wsse:Username>{}</wsse:Username>"
        "<wsse:Password Type=\"http://docs.oasis-open.org/wss/2004/01/"
        "oasis-200401-wss-username-token-profile-1.0#PasswordDigest\">{}"
        "</wsse:Password><wsse:Nonce EncodingType=\"http://docs.oasis-open.org/"
        "wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\">"
        "{}</wsse:Nonce><wsu:Created>{}</wsu:Created></wsse:UsernameToken>"
        "</wsse:Security></s:Header>",
        escape(who.username), password_digest(nonce, created, who.password),
        base64(reinterpret_cast<const unsigned char*>(nonce.data()),
               nonce.size()),
        created);
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
         "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">"
         + header + "<s:Body>" + body + "</s:Body></s:Envelope>";
}

namespace request {

std::string get_system_date_and_time() {
  return wrap("tds", ns_device, "GetSystemDateAndTime", "");
}

std::string get_capabilities() {
  return wrap("tds", ns_device, "GetCapabilities",
              "<tds:Category>All</tds:Category>");
}

std::string get_services() {
  return wrap("tds", ns_device, "GetServices",
              "<tds:IncludeCapability>false</tds:IncludeCapability>");
}

std::string get_profiles() {
  return wrap("trt", ns_media, "GetProfiles", "");
}

std::string get_configuration_options(const std::string& configuration_token) {
  return wrap("tptz", ns_ptz, "GetConfigurationOptions",
              "<tptz:ConfigurationToken>" + escape(configuration_token)
                  + "</tptz:ConfigurationToken>");
}

std::string get_status(const std::string& profile) {
  return wrap("tptz", ns_ptz, "GetStatus", profile_token(profile));
}

std::string continuous_move(const std::string& profile, double pan, double tilt,
                            bool with_zoom, double zoom, int64_t timeout_ms) {
  auto velocity = fmt::format("<tt:PanTilt x=\"{}\" y=\"{}\" space=\"{}\"/>",
                              num(pan), num(tilt), pan_tilt_velocity_space);
  if (with_zoom)
    velocity += fmt::format("<tt:Zoom x=\"{}\" space=\"{}\"/>", num(zoom),
                            zoom_velocity_space);
  auto inner = profile_token(profile) + "<tptz:Velocity>" + velocity
               + "</tptz:Velocity>";
  if (timeout_ms > 0)
    inner += "<tptz:Timeout>" + duration(timeout_ms) + "</tptz:Timeout>";
  return wrap("tptz", ns_ptz, "ContinuousMove", inner);
}

std::string stop(const std::string& profile, bool pan_tilt, bool zoom) {
  return wrap("tptz", ns_ptz, "Stop",
              profile_token(profile) + "<tptz:PanTilt>"
                  + (pan_tilt ? "true" : "false") + "</tptz:PanTilt><tptz:Zoom>"
                  + (zoom ? "true" : "false") + "</tptz:Zoom>");
}

std::string goto_home_position(const std::string& profile) {
  return wrap("tptz", ns_ptz, "GotoHomePosition", profile_token(profile));
}

std::string get_presets(const std::string& profile) {
  return wrap("tptz", ns_ptz, "GetPresets", profile_token(profile));
}

std::string goto_preset(const std::string& profile, const std::string& preset) {
  return wrap("tptz", ns_ptz, "GotoPreset",
              profile_token(profile) + "<tptz:PresetToken>" + escape(preset)
                  + "</tptz:PresetToken>");
}

std::string absolute_move(const std::string& profile, double pan, double tilt,
                          bool with_zoom, double zoom) {
  auto position
      = fmt::format("<tt:PanTilt x=\"{}\" y=\"{}\"/>", num(pan), num(tilt));
  if (with_zoom)
    position += fmt::format("<tt:Zoom x=\"{}\"/>", num(zoom));
  return wrap("tptz", ns_ptz, "AbsoluteMove",
              profile_token(profile) + "<tptz:Position>" + position
                  + "</tptz:Position>");
}

} // namespace request

std::string action_uri(const std::string& operation) {
  const char* ns = ns_ptz;
  if (operation == "GetProfiles")
    ns = ns_media;
  else if (operation == "GetSystemDateAndTime" || operation == "GetCapabilities"
           || operation == "GetServices")
    ns = ns_device;
  return std::string(ns) + "/" + operation;
}

std::string describe(const fault& f) {
  std::string out = f.subcode.empty() ? f.code : f.subcode;
  if (!f.reason.empty())
    out += (out.empty() ? "" : ": ") + f.reason;
  if (!f.subcode.empty() && !f.code.empty())
    out += " (" + f.code + ")";
  return out.empty() ? "SOAP fault" : out;
}

std::optional<fault> find_fault(const std::string& xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(),
                       pugi::parse_default & ~pugi::parse_declaration))
    return std::nullopt;
  auto f = child(child(doc.document_element(), "Body"), "Fault");
  if (!f)
    return std::nullopt;
  return read_fault(f);
}

caf::expected<services> parse_capabilities(const std::string& xml) {
  pugi::xml_document doc;
  auto body = body_of(doc, xml, "GetCapabilities");
  if (!body)
    return std::move(body.error());
  auto caps = find(*body, "Capabilities");
  if (!caps)
    return unreadable("GetCapabilities", "no Capabilities");
  services out;
  out.media = text_of(child(child(caps, "Media"), "XAddr"));
  out.ptz = text_of(child(child(caps, "PTZ"), "XAddr"));
  return out;
}

caf::expected<services> parse_services(const std::string& xml) {
  pugi::xml_document doc;
  auto body = body_of(doc, xml, "GetServices");
  if (!body)
    return std::move(body.error());
  auto response = child(*body, "GetServicesResponse");
  if (!response)
    return unreadable("GetServices", "no GetServicesResponse");
  services out;
  for (auto s : response.children()) {
    if (!named(s, "Service"))
      continue;
    auto ns = text_of(child(s, "Namespace"));
    auto xaddr = text_of(child(s, "XAddr"));
    if (ns == ns_media)
      out.media = xaddr;
    else if (ns == ns_ptz)
      out.ptz = xaddr;
  }
  return out;
}

caf::expected<std::vector<profile>> parse_profiles(const std::string& xml) {
  pugi::xml_document doc;
  auto body = body_of(doc, xml, "GetProfiles");
  if (!body)
    return std::move(body.error());
  auto response = child(*body, "GetProfilesResponse");
  if (!response)
    return unreadable("GetProfiles", "no GetProfilesResponse");
  std::vector<profile> out;
  for (auto p : response.children()) {
    if (!named(p, "Profiles"))
      continue;
    profile entry;
    entry.token = p.attribute("token").value();
    if (auto ptz = child(p, "PTZConfiguration"))
      entry.ptz_configuration = ptz.attribute("token").value();
    if (!entry.token.empty())
      out.push_back(std::move(entry));
  }
  return out;
}

caf::expected<ptz_options> parse_configuration_options(const std::string& xml) {
  pugi::xml_document doc;
  auto body = body_of(doc, xml, "GetConfigurationOptions");
  if (!body)
    return std::move(body.error());
  auto opts = find(*body, "PTZConfigurationOptions");
  if (!opts)
    return unreadable("GetConfigurationOptions", "no PTZConfigurationOptions");
  ptz_options out;
  auto spaces = child(opts, "Spaces");
  // A device may list several spaces of a kind; the generic one is what
  // argus's normalized velocities mean, so prefer it.
  auto pick = [&](const char* kind, const char* generic_suffix) {
    pugi::xml_node first;
    for (auto s : spaces.children()) {
      if (!named(s, kind))
        continue;
      if (!first)
        first = s;
      auto uri = text_of(child(s, "URI"));
      if (uri.size() >= std::strlen(generic_suffix)
          && uri.compare(uri.size() - std::strlen(generic_suffix),
                         std::string::npos, generic_suffix)
                 == 0)
        return s;
    }
    return first;
  };
  caf::error err;
  if (auto s = pick("ContinuousPanTiltVelocitySpace", "VelocityGenericSpace"))
    err = read_space(s, out.pan_velocity, &out.tilt_velocity);
  if (auto s = pick("ContinuousZoomVelocitySpace", "VelocityGenericSpace");
      s && !err) {
    out.has_zoom = true;
    err = read_space(s, out.zoom_velocity, nullptr);
  }
  if (auto s = pick("AbsolutePanTiltPositionSpace", "PositionGenericSpace");
      s && !err)
    err = read_space(s, out.pan_position, &out.tilt_position);
  if (auto s = pick("AbsoluteZoomPositionSpace", "PositionGenericSpace");
      s && !err)
    err = read_space(s, out.zoom_position, nullptr);
  if (err)
    return unreadable("GetConfigurationOptions", render(err));
  if (auto t = child(opts, "PTZTimeout")) {
    auto lo = parse_duration(text_of(child(t, "Min")));
    auto hi = parse_duration(text_of(child(t, "Max")));
    if (lo && hi && *lo <= *hi) {
      out.timeout_min_ms = *lo;
      out.timeout_max_ms = *hi;
    }
  }
  return out;
}

caf::expected<status> parse_status(const std::string& xml) {
  pugi::xml_document doc;
  auto body = body_of(doc, xml, "GetStatus");
  if (!body)
    return std::move(body.error());
  auto st = find(*body, "PTZStatus");
  if (!st)
    return unreadable("GetStatus", "no PTZStatus");
  status out;
  auto pos = child(st, "Position");
  if (auto pt = child(pos, "PanTilt"))
    out.has_pan_tilt
        = attr_double(pt, "x", out.pan) && attr_double(pt, "y", out.tilt);
  if (auto z = child(pos, "Zoom"))
    out.has_zoom = attr_double(z, "x", out.zoom);
  auto move = child(st, "MoveStatus");
  for (auto axis : move.children()) {
    // ONVIF 2.x: <PanTilt>MOVING</PanTilt>; some devices nest MoveStatus.
    auto value = text_of(axis);
    if (value.empty())
      value = text_of(child(axis, "MoveStatus"));
    if (value == "MOVING")
      out.moving = true;
  }
  return out;
}

caf::expected<int64_t> parse_system_date_and_time(const std::string& xml) {
  pugi::xml_document doc;
  auto body = body_of(doc, xml, "GetSystemDateAndTime");
  if (!body)
    return std::move(body.error());
  auto utc = find(*body, "UTCDateTime");
  if (!utc)
    return unreadable("GetSystemDateAndTime", "no UTCDateTime");
  // Each field within its calendar range (years 1970-9999), so no sum or
  // product below can overflow whatever digits a device sends.
  auto field = [](const pugi::xml_node& parent, const char* name, long lo,
                  long hi) -> std::optional<int> {
    auto text = text_of(child(parent, name));
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || v < lo || v > hi)
      return std::nullopt;
    return static_cast<int>(v);
  };
  auto date = child(utc, "Date"), time = child(utc, "Time");
  auto year = field(date, "Year", 1970, 9999);
  auto month = field(date, "Month", 1, 12);
  auto day = field(date, "Day", 1, 31);
  auto hour = field(time, "Hour", 0, 23);
  auto minute = field(time, "Minute", 0, 59);
  auto second = field(time, "Second", 0, 60);
  if (!year || !month || !day || !hour || !minute || !second)
    return unreadable("GetSystemDateAndTime", "the date is out of range");
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

caf::expected<std::vector<preset>> parse_presets(const std::string& xml) {
  pugi::xml_document doc;
  auto body = body_of(doc, xml, "GetPresets");
  if (!body)
    return std::move(body.error());
  auto response = child(*body, "GetPresetsResponse");
  if (!response)
    return unreadable("GetPresets", "no GetPresetsResponse");
  std::vector<preset> out;
  for (auto p : response.children())
    if (named(p, "Preset") && p.attribute("token"))
      out.push_back({p.attribute("token").value(), text_of(child(p, "Name"))});
  return out;
}

std::string pin_to(const std::string& base, const std::string& xaddr) {
  auto origin_end = [](const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos)
      return std::string::npos;
    return url.find('/', scheme + 3);
  };
  auto base_end = origin_end(base);
  auto origin = base.substr(0, base_end);
  auto scheme = xaddr.find("://");
  if (scheme == std::string::npos)
    return origin + (xaddr.rfind('/', 0) == 0 ? xaddr : "/" + xaddr);
  auto path_start = origin_end(xaddr);
  return origin
         + (path_start == std::string::npos ? "/" : xaddr.substr(path_start));
}

} // namespace argus::onvif

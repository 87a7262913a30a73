// SPDX-License-Identifier: Apache-2.0
#include "core/models/onnx_probe.hpp"

#include "messages/error.hpp"

#include <set>

namespace argus {

namespace {

caf::error bad(const std::string& what) {
  return caf::make_error(ec::invalid_argument, "not an ONNX model: " + what);
}

/// A protobuf message being read field by field.
class pb_reader {
public:
  explicit pb_reader(std::string_view buf) : buf_(buf) {
    // nop
  }

  bool done() const { return pos_ >= buf_.size(); }

  /// Reads the next field's key; false at a malformed key.
  bool next(uint32_t& field, uint32_t& wire) {
    uint64_t key;
    if (!varint(key) || key == 0 || (key >> 3) > 0x1fffffff)
      return false;
    field = uint32_t(key >> 3);
    wire = uint32_t(key & 7);
    return true;
  }

  bool varint(uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= buf_.size())
        return false;
      auto b = uint8_t(buf_[pos_++]);
      out |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80))
        return true;
    }
    return false;
  }

  bool bytes(std::string_view& out) {
    uint64_t n;
    if (!varint(n) || n > buf_.size() - pos_)
      return false;
    out = buf_.substr(pos_, size_t(n));
    pos_ += size_t(n);
    return true;
  }

  /// Skips a field of this wire type; false for groups and overruns.
  bool skip(uint32_t wire) {
    switch (wire) {
    case 0: {
      uint64_t ignored;
      return varint(ignored);
    }
    case 1:
      return advance(8);
    case 2: {
      std::string_view ignored;
      return bytes(ignored);
    }
    case 5:
      return advance(4);
    default:
      return false;
    }
  }

private:
  bool advance(size_t n) {
    if (n > buf_.size() - pos_)
      return false;
    pos_ += n;
    return true;
  }

  std::string_view buf_;
  size_t pos_ = 0;
};

/// TensorShapeProto.Dimension: dim_value (1) or dim_param (2).
bool read_dim(std::string_view buf, int64_t& out) {
  pb_reader r(buf);
  out = -1;
  uint32_t f, w;
  while (!r.done()) {
    if (!r.next(f, w))
      return false;
    if (f == 1 && w == 0) {
      uint64_t v;
      if (!r.varint(v))
        return false;
      out = int64_t(v) > 0 ? int64_t(v) : -1;
    } else if (!r.skip(w)) {
      return false;
    }
  }
  return true;
}

/// Descends through fields `path` (all length-delimited) and calls `leaf`
/// on every match of the last one.
template <class F>
bool walk(std::string_view buf, const uint32_t* path, size_t depth, F& leaf) {
  pb_reader r(buf);
  uint32_t f, w;
  while (!r.done()) {
    if (!r.next(f, w))
      return false;
    if (f == path[0] && w == 2) {
      std::string_view sub;
      if (!r.bytes(sub))
        return false;
      if (depth == 1) {
        if (!leaf(sub))
          return false;
      } else if (!walk(sub, path + 1, depth - 1, leaf)) {
        return false;
      }
    } else if (!r.skip(w)) {
      return false;
    }
  }
  return true;
}

/// ValueInfoProto: name (1), type (2) -> tensor_type (1) -> shape (2) ->
/// dim (1).
bool read_value_info(std::string_view buf, onnx_tensor_info& out) {
  pb_reader r(buf);
  uint32_t f, w;
  while (!r.done()) {
    if (!r.next(f, w))
      return false;
    if (f == 1 && w == 2) {
      std::string_view name;
      if (!r.bytes(name))
        return false;
      out.name = std::string(name.substr(0, 256));
    } else if (f == 2 && w == 2) {
      std::string_view type;
      if (!r.bytes(type))
        return false;
      static constexpr uint32_t path[] = {1, 2, 1};
      auto dim = [&](std::string_view d) {
        int64_t v;
        if (!read_dim(d, v) || out.dims.size() >= 16)
          return false;
        out.dims.push_back(v);
        return true;
      };
      if (!walk(type, path, 3, dim))
        return false;
    } else if (!r.skip(w)) {
      return false;
    }
  }
  return true;
}

} // namespace

caf::expected<onnx_summary> probe_onnx(std::string_view bytes) {
  if (bytes.empty())
    return bad("the file is empty");
  onnx_summary out;
  std::string_view graph;
  bool has_graph = false;
  pb_reader r(bytes);
  uint32_t f, w;
  while (!r.done()) {
    if (!r.next(f, w))
      return bad("malformed protobuf field key");
    if (f == 1 && w == 0) {
      uint64_t v;
      if (!r.varint(v))
        return bad("malformed ir_version");
      out.ir_version = int64_t(v);
    } else if (f == 2 && w == 2) {
      std::string_view p;
      if (!r.bytes(p))
        return bad("malformed producer_name");
      out.producer = std::string(p.substr(0, 128));
    } else if (f == 7 && w == 2) {
      if (!r.bytes(graph))
        return bad("the graph runs past the end of the file (truncated?)");
      has_graph = true;
    } else if (!r.skip(w)) {
      return bad("malformed or truncated protobuf (field " + std::to_string(f)
                 + ")");
    }
  }
  if (out.ir_version <= 0 || out.ir_version > 100)
    return bad("no valid ir_version");
  if (!has_graph)
    return bad("no graph");
  // GraphProto: node (1), initializer (5), input (11), output (12).
  std::set<std::string> initializers;
  std::vector<onnx_tensor_info> inputs;
  pb_reader g(graph);
  while (!g.done()) {
    if (!g.next(f, w))
      return bad("malformed graph");
    if (w != 2) {
      if (!g.skip(w))
        return bad("malformed graph");
      continue;
    }
    std::string_view sub;
    if (!g.bytes(sub))
      return bad("malformed graph field");
    if (f == 1) {
      ++out.nodes;
    } else if (f == 5) {
      // TensorProto.name is field 8.
      static constexpr uint32_t path[] = {8};
      auto name = [&](std::string_view n) {
        initializers.emplace(n);
        return true;
      };
      if (!walk(sub, path, 1, name))
        return bad("malformed initializer");
    } else if (f == 11 || f == 12) {
      onnx_tensor_info info;
      if (!read_value_info(sub, info))
        return bad("malformed graph input or output");
      (f == 11 ? inputs : out.outputs).push_back(std::move(info));
    }
  }
  for (auto& in : inputs)
    if (initializers.count(in.name) == 0)
      out.inputs.push_back(std::move(in));
  if (out.nodes == 0)
    return bad("the graph has no nodes");
  if (out.inputs.empty())
    return bad("the graph has no data input");
  if (out.outputs.empty())
    return bad("the graph has no output");
  return out;
}

} // namespace argus

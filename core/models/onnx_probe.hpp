// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <caf/expected.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace argus {

/// One graph input or output of an ONNX model: its name and dimensions
/// (-1 where the dimension is symbolic or unset).
struct onnx_tensor_info {
  std::string name;
  std::vector<int64_t> dims;
};

/// What the header of an ONNX file says, read without OpenCV.
struct onnx_summary {
  int64_t ir_version = 0;
  std::string producer;
  /// Graph inputs that are not initializers (the data inputs).
  std::vector<onnx_tensor_info> inputs;
  std::vector<onnx_tensor_info> outputs;
  /// Nodes in the main graph.
  int64_t nodes = 0;
};

/// Reads an ONNX ModelProto's protobuf structure: every field's wire type
/// and length must be sound, the IR version positive and a graph with at
/// least one node, one data input and one output present. This is the
/// cheap first check of an upload, before OpenCV sees the file (OpenCV's
/// importer is not meant for hostile input). Fails with
/// ec::invalid_argument saying what is wrong. Pure; fuzzed with the
/// multipart parser's target.
caf::expected<onnx_summary> probe_onnx(std::string_view bytes);

} // namespace argus

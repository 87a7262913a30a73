// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/frames/byte_source.hpp"

#include <string>

namespace argus::fuzz {

/// A byte_source over bytes in memory: the clip indexer reads the fuzz
/// input through the same ranged-read interface it uses for files and S3.
class memory_source : public byte_source {
public:
  explicit memory_source(std::string bytes) : bytes_(std::move(bytes)) {}

  int64_t size() const override { return static_cast<int64_t>(bytes_.size()); }

protected:
  caf::expected<std::string> read_range(int64_t offset,
                                        int64_t length) override {
    return bytes_.substr(static_cast<size_t>(offset),
                         static_cast<size_t>(length));
  }

private:
  std::string bytes_;
};

} // namespace argus::fuzz

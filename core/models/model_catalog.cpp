// SPDX-License-Identifier: Apache-2.0
#include "core/models/model_catalog.hpp"

#include "core/analytics/detector.hpp"
#include "core/models/onnx_probe.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace argus {

namespace fs = std::filesystem;

namespace {

std::string iso_utc(int64_t secs) {
  std::time_t t = secs;
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::string stem_of(const std::string& path) {
  return fs::path(path).stem().string();
}

/// Class names from names-file text: one a line, blank lines skipped.
std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (
        !line.empty()
        && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    if (!line.empty())
      out.push_back(line);
  }
  return out;
}

/// The class count an output shape implies: [1, 4 + C, N] (YOLOv8, fewer
/// rows than anchors) or [1, N, 5 + C] (YOLOv5); 0 when it cannot tell.
size_t classes_of_output(const onnx_summary& s) {
  if (s.outputs.empty() || s.outputs[0].dims.size() != 3)
    return 0;
  auto a = s.outputs[0].dims[1];
  auto b = s.outputs[0].dims[2];
  if (a <= 0 || b <= 0)
    return 0;
  if (a < b && a > 4)
    return size_t(a - 4);
  if (b < a && b > 5)
    return size_t(b - 5);
  return 0;
}

bool write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  out.flush();
  return bool(out);
}

caf::error io_error(const std::string& what) {
  return caf::make_error(ec::model_failed,
                         what + ": " + std::string(std::strerror(errno)));
}

} // namespace

std::string model_stem(const std::string& path) {
  return stem_of(path);
}

bool valid_model_name(const std::string& name) {
  // "upload" would be shadowed by the route POST /models/upload.
  if (name.empty() || name.size() > 128 || name.front() == '.'
      || name == "upload")
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

detector_config with_model(detector_config base, const model_spec& spec) {
  base.model = spec.model;
  base.names = spec.names;
  base.layout
      = spec.layout.empty() || spec.layout == "unknown" ? "auto" : spec.layout;
  if (spec.input_width > 0 && spec.input_height > 0) {
    base.input_width = spec.input_width;
    base.input_height = spec.input_height;
  }
  return base;
}

caf::expected<model_info> trial_load(const detector_config& base,
                                     const model_spec& spec) {
  auto cfg = with_model(base, spec);
  auto d = detector::load(cfg);
  if (!d)
    return d.error();
  // A grey frame at the input size: the pass that finds the layout and
  // proves the graph runs in OpenCV at that size.
  cv::Mat grey(cfg.input_height, cfg.input_width, CV_8UC3,
               cv::Scalar(114, 114, 114));
  auto dets = d->detect(grey);
  if (!dets)
    return caf::make_error(ec::model_failed, "trial forward pass failed: "
                                                 + error_detail(dets.error()));
  model_info info;
  info.name = spec.name;
  info.path = spec.model;
  info.classes = d->names();
  info.input_width = cfg.input_width;
  info.input_height = cfg.input_height;
  info.layout = d->layout_name();
  return info;
}

model_catalog::model_catalog(detector_config base, std::string dir,
                             size_t max_bytes)
    : base_(std::move(base)), dir_(std::move(dir)), max_bytes_(max_bytes) {
  active_ = stem_of(base_.model);
  if (!base_.classifier.empty()
      && fs::path(base_.classifier).parent_path() == fs::path(dir_))
    classifier_name_ = stem_of(base_.classifier);
}

std::string model_catalog::path_of(const std::string& name,
                                   const char* ext) const {
  // The configured model may lie outside the directory.
  if (name == stem_of(base_.model) && std::strcmp(ext, ".onnx") == 0)
    return base_.model;
  return (fs::path(dir_) / (name + ext)).string();
}

const model_catalog::probe_entry*
model_catalog::refresh(const std::string& name) {
  std::error_code err;
  auto path = path_of(name, ".onnx");
  auto size = fs::file_size(path, err);
  if (err) {
    probes_.erase(name);
    return nullptr;
  }
  struct stat st {};
  int64_t mtime = ::stat(path.c_str(), &st) == 0 ? int64_t(st.st_mtime) : 0;
  auto& e = probes_[name];
  if (e.size == int64_t(size) && e.mtime == mtime)
    return &e;
  e = probe_entry{};
  e.size = int64_t(size);
  e.mtime = mtime;
  model_spec spec;
  spec.name = name;
  spec.model = path;
  // The configured model keeps its configured names, size and layout.
  if (name == stem_of(base_.model)) {
    spec.names = base_.names.empty() ? names_for_model(path) : base_.names;
    spec.input_width = base_.input_width;
    spec.input_height = base_.input_height;
    spec.layout = base_.layout;
  } else {
    spec.names = path_of(name, ".names");
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
    auto summary = probe_onnx(bytes);
    if (summary && summary->inputs[0].dims.size() == 4) {
      spec.input_height = int32_t(summary->inputs[0].dims[2]);
      spec.input_width = int32_t(summary->inputs[0].dims[3]);
    }
    if (!summary)
      e.info.error = error_detail(summary.error());
  }
  if (e.info.error.empty()) {
    auto info = trial_load(base_, spec);
    if (info)
      e.info = std::move(*info);
    else
      e.info.error = error_detail(info.error());
  }
  if (!e.info.error.empty()) {
    auto names = read_names(spec.names);
    if (names)
      e.info.classes = *names;
    e.info.layout = "unknown";
  }
  e.info.name = name;
  e.info.path = path;
  e.info.size_bytes = int64_t(size);
  e.info.added_at = iso_utc(mtime);
  return &e;
}

std::vector<model_info> model_catalog::list() {
  std::vector<std::string> names;
  std::error_code err;
  for (auto it = fs::directory_iterator(dir_, err);
       !err && it != fs::directory_iterator(); it.increment(err)) {
    auto p = it->path();
    if (p.extension() != ".onnx" || !it->is_regular_file(err))
      continue;
    auto name = p.stem().string();
    if (valid_model_name(name) && name != classifier_name_)
      names.push_back(name);
  }
  auto configured = stem_of(base_.model);
  if (std::find(names.begin(), names.end(), configured) == names.end())
    names.push_back(configured);
  std::sort(names.begin(), names.end());
  std::vector<model_info> out;
  for (auto& name : names)
    if (auto e = refresh(name)) {
      auto info = e->info;
      info.active = name == active_;
      info.shadow = name == shadow_;
      out.push_back(std::move(info));
    }
  return out;
}

caf::expected<model_info> model_catalog::get(const std::string& name) {
  if (!valid_model_name(name) || name == classifier_name_)
    return caf::make_error(ec::unknown_model, "no model named " + name);
  auto e = refresh(name);
  if (!e)
    return caf::make_error(ec::unknown_model, "no model named " + name);
  auto info = e->info;
  info.active = name == active_;
  info.shadow = name == shadow_;
  return info;
}

caf::expected<model_info> model_catalog::add(const model_upload& up) {
  if (!valid_model_name(up.name))
    return caf::make_error(ec::invalid_argument,
                           "a model name has 1 to 128 characters of "
                           "[A-Za-z0-9._-] and does not start with '.'");
  if (up.bytes.size() > max_bytes_)
    return caf::make_error(ec::invalid_argument,
                           "the model is larger than "
                               + std::to_string(max_bytes_) + " bytes");
  auto onnx_path = path_of(up.name, ".onnx");
  std::error_code err;
  if (up.name == active_ || up.name == classifier_name_
      || fs::exists(onnx_path, err))
    return caf::make_error(ec::model_exists,
                           "a model named " + up.name + " exists already");
  auto summary = probe_onnx(up.bytes);
  if (!summary)
    return summary.error();
  if (summary->inputs[0].dims.size() != 4)
    return caf::make_error(ec::invalid_argument,
                           "the model's input is not an NCHW image tensor");
  model_spec spec;
  spec.name = up.name;
  auto h = summary->inputs[0].dims[2];
  auto w = summary->inputs[0].dims[3];
  if (h > 0 && w > 0) {
    if (h > 4096 || w > 4096 || h % 2 || w % 2)
      return caf::make_error(ec::invalid_argument, "unsupported input size "
                                                       + std::to_string(w) + "x"
                                                       + std::to_string(h));
    spec.input_width = int32_t(w);
    spec.input_height = int32_t(h);
  }
  auto names = split_names(up.names);
  if (names.empty()) {
    // Without names: the active model's when the class count fits.
    auto nc = classes_of_output(*summary);
    auto active = get(active_);
    if (active && (nc == 0 || nc == active->classes.size()))
      names = active->classes;
    else
      for (size_t i = 0; i < nc; ++i)
        names.push_back("class_" + std::to_string(i));
    if (names.empty())
      return caf::make_error(ec::invalid_argument,
                             "no class names given and the output shape "
                             "does not tell how many classes there are");
  }
  if (names.size() > 1000)
    return caf::make_error(ec::invalid_argument, "more than 1000 class names");
  // Temporary files next to the final ones (same file system), hidden
  // from list(); the trial load reads them where they lie.
  auto tmp_onnx = path_of("." + up.name + ".upload", ".onnx");
  auto tmp_names = path_of("." + up.name + ".upload", ".names");
  std::string names_text;
  for (auto& n : names)
    names_text += n + "\n";
  auto cleanup = [&] {
    fs::remove(tmp_onnx, err);
    fs::remove(tmp_names, err);
  };
  if (!write_file(tmp_onnx, up.bytes) || !write_file(tmp_names, names_text)) {
    auto e = io_error("cannot write into " + dir_);
    cleanup();
    return e;
  }
  spec.model = tmp_onnx;
  spec.names = tmp_names;
  auto info = trial_load(base_, spec);
  if (!info) {
    cleanup();
    // The upload is what is wrong, not the server: 400, not 503.
    return caf::make_error(ec::invalid_argument,
                           "the model does not load or run in OpenCV DNN: "
                               + error_detail(info.error()));
  }
  // The names first, then the model with link(): it fails rather than
  // replace a file that appeared meanwhile, and the model only becomes
  // visible once both are complete.
  auto names_path = path_of(up.name, ".names");
  if (::rename(tmp_names.c_str(), names_path.c_str()) != 0) {
    auto e = io_error("cannot store " + names_path);
    cleanup();
    return e;
  }
  if (::link(tmp_onnx.c_str(), onnx_path.c_str()) != 0) {
    auto exists = errno == EEXIST;
    auto e = io_error("cannot store " + onnx_path);
    cleanup();
    if (exists)
      return caf::make_error(ec::model_exists,
                             "a model named " + up.name + " exists already");
    return e;
  }
  cleanup();
  return get(up.name);
}

caf::error model_catalog::remove(const std::string& name) {
  if (name == active_)
    return caf::make_error(ec::model_active,
                           name
                               + " is the active model; activate another "
                                 "one first");
  if (name == shadow_)
    return caf::make_error(ec::model_active,
                           name + " runs in shadow mode; stop it first");
  auto info = get(name);
  if (!info)
    return info.error();
  std::error_code err;
  if (!fs::remove(info->path, err) || err)
    return caf::make_error(ec::model_failed, "cannot delete " + info->path
                                                 + ": " + err.message());
  // Configured models may share a names file; only the model's own goes.
  fs::remove(path_of(name, ".names"), err);
  probes_.erase(name);
  return {};
}

caf::expected<model_spec>
model_catalog::verified_spec(const std::string& name) {
  auto info = get(name);
  if (!info)
    return info.error();
  model_spec spec;
  spec.name = name;
  spec.model = info->path;
  spec.names = name == stem_of(base_.model) && !base_.names.empty()
                   ? base_.names
                   : (name == stem_of(base_.model) ? names_for_model(info->path)
                                                   : path_of(name, ".names"));
  spec.input_width = info->input_width;
  spec.input_height = info->input_height;
  spec.layout = info->layout;
  spec.classes = info->classes;
  if (!info->error.empty())
    return caf::make_error(ec::model_failed,
                           "model " + name
                               + " cannot be loaded: " + info->error);
  // Again now: the file may have changed since it was probed.
  auto trial = trial_load(base_, spec);
  if (!trial)
    return trial.error();
  return spec;
}

} // namespace argus

// SPDX-License-Identifier: Apache-2.0
// Replays MOTChallenge detections through argus' tracker with one parameter
// set and scores the result with the CLEAR-MOT / IDF1 definitions, per
// sequence and overall. Usage:
//   argus_mot_eval DATA_DIR [--config FILE] [--set key=value ...]
// where DATA_DIR holds MOT15/ and MOT17-firsthalf/ (see shared data README).
#include "core/analytics/byte_tracker.hpp"
#include "core/analytics/mot.hpp"
#include "core/config.hpp"
#include "messages/error.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>

namespace fs = std::filesystem;
using namespace argus;

namespace {

double frame_rate_of(const fs::path& seq) {
  std::ifstream in(seq / "seqinfo.ini");
  std::string line;
  std::regex re(R"(frameRate\s*=\s*([0-9.]+))");
  std::smatch m;
  while (std::getline(in, line))
    if (std::regex_search(line, m, re))
      return std::stod(m[1]);
  return 30;
}

mot_scores run_sequence(const fs::path& seq, tracker_params params,
                        bool mot17) {
  params.frame_rate = frame_rate_of(seq);
  auto dets = read_mot_detections((seq / "det" / "det.txt").string());
  auto gt = read_mot_rows((seq / "gt" / "gt.txt").string());
  if (!dets || !gt) {
    std::cerr << "cannot read " << seq << "\n";
    std::exit(2);
  }
  byte_tracker trk(params);
  std::vector<mot_row> hyp;
  int64_t last = 0;
  for (auto& r : *gt)
    last = std::max(last, r.frame);
  static const std::vector<detection> none;
  for (int64_t f = 1; f <= last; ++f) {
    auto it = dets->find(f);
    for (auto& t : trk.update(it == dets->end() ? none : it->second))
      hyp.push_back({f, t.id, t.bbox, t.conf, 1, -1});
  }
  return score_mot(*gt, hyp, mot17);
}

void print(const std::string& name, const mot_scores& s) {
  std::printf("%-22s MOTA %6.2f  IDF1 %6.2f  IDSW %4lld  FP %6lld  FN %6lld\n",
              name.c_str(), 100 * s.mota(), 100 * s.idf1(), (long long)s.idsw,
              (long long)s.fp, (long long)s.fn);
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: argus_mot_eval DATA_DIR [--config FILE] "
                 "[--set key=value ...]\n";
    return 2;
  }
  fs::path root = argv[1];
  std::string yaml = "cameras: [{id: a}]\ntracker: {";
  std::string config_path;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--config")
      config_path = argv[i + 1];
    else if (flag == "--set") {
      std::string kv = argv[i + 1];
      auto eq = kv.find('=');
      yaml += kv.substr(0, eq) + ": " + kv.substr(eq + 1) + ", ";
    }
  }
  yaml += "}";
  auto cfg
      = config_path.empty() ? parse_config(yaml) : load_config(config_path);
  if (!cfg) {
    std::cerr << "config error: " << error_detail(cfg.error()) << "\n";
    return 2;
  }
  for (auto [set, mot17] :
       {std::pair{"MOT15", false}, std::pair{"MOT17-firsthalf", true}}) {
    mot_scores total;
    std::vector<fs::path> seqs;
    for (auto& e : fs::directory_iterator(root / set))
      seqs.push_back(e.path());
    std::sort(seqs.begin(), seqs.end());
    for (auto& seq : seqs) {
      auto s = run_sequence(seq, cfg->tracker, mot17);
      print("  " + seq.filename().string(), s);
      total += s;
    }
    print(set, total);
  }
  return 0;
}

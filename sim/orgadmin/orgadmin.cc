#include "sim/orgadmin/orgadmin.h"

namespace idsync::sim {
namespace {

class UnbuiltOrgadmin final : public Platform {
 public:
  std::string name() const override { return "orgadmin"; }
  std::string Seed(const YAML::Node& section) override {
    return section && !section.IsNull() ? "seed: platform orgadmin is not simulated yet" : "";
  }
  void RegisterRoutes(httplib::Server&) override {}
  nlohmann::json DumpState() const override { return nlohmann::json::object(); }
  void Reset() override {}
  ControlAnswer Control(std::string_view, const nlohmann::json&) override {
    return ControlAnswer::Error(404, "platform orgadmin is not simulated yet");
  }
  nlohmann::json Counters() const override { return nlohmann::json::object(); }
  void ResetCounters() override {}
};

}  // namespace

std::unique_ptr<Platform> MakeOrgadminPlatform() { return std::make_unique<UnbuiltOrgadmin>(); }

}  // namespace idsync::sim
